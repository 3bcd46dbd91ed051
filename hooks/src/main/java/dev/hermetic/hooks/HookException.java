package dev.hermetic.hooks;

/** The one exception type of this module; {@link #status()} is the code an engine would see. */
public class HookException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Never null. */
    private final HookStatus status;

    public HookException(HookStatus status, String message) {
        super(message);
        this.status = status;
    }

    public HookException(HookStatus status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public HookStatus status() {
        return status;
    }
}
