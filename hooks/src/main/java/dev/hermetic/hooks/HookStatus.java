package dev.hermetic.hooks;

/**
 * The negative status codes a hook call can return to an engine. The values are Zircon's
 * {@code zx_status_t} codes, so an engine sees the same numbers from every vDSO call.
 */
public enum HookStatus {
    INTERNAL(-1),
    NO_RESOURCES(-3),
    INVALID_ARGS(-10),
    BAD_HANDLE(-11),
    OUT_OF_RANGE(-14),
    BUFFER_TOO_SMALL(-15),
    NOT_FOUND(-25);

    /** The value returned through the vDSO; always negative. */
    private final int code;

    HookStatus(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
