/** Capdata, smallcaps, c-lists, the hook table and the per-process hook gate. No Chicory. */
module dev.hermetic.hooks {
    requires com.fasterxml.jackson.databind;

    exports dev.hermetic.hooks;
}
