/** Zircon-style VMOs, VMARs and copy-on-write pages. No Wasm, no Chicory. */
module dev.hermetic.vmo {
    exports dev.hermetic.vmo;
}
