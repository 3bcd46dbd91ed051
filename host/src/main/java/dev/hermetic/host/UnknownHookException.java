package dev.hermetic.host;

/**
 * A process was granted a hook the host's hook table does not hold. The hooks module's own
 * {@link dev.hermetic.hooks.HookException} (status {@code NOT_FOUND}) is the cause.
 */
public class UnknownHookException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public UnknownHookException(String message, Throwable cause) {
        super(message, cause);
    }
}
