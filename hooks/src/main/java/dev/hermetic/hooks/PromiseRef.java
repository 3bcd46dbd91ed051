package dev.hermetic.hooks;

/**
 * A promise, passed by reference: it lives in a slot of its {@link CapData}.
 *
 * @param slot never null; the reference in the slot
 */
public record PromiseRef(String slot) {
    public PromiseRef {
        if (slot == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "promise slot is null");
        }
    }
}
