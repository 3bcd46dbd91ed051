package dev.hermetic.hooks;

/**
 * A remotable object, passed by reference: it lives in a slot of its {@link CapData}.
 *
 * @param slot never null; the reference in the slot (an engine-side or host-side reference,
 *     depending on which space the capdata is in)
 * @param iface the interface, e.g. {@code "Alleged: counter"}; null when unknown (a body names
 *     it only on the first use of a slot)
 */
public record Remotable(String slot, String iface) {
    public Remotable {
        if (slot == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "remotable slot is null");
        }
    }
}
