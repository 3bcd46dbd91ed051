package dev.hermetic.host;

/** The root of every error the host raises to its caller. An engine's own failure is a {@link ProcessResult}, not an exception. */
public class HermeticException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HermeticException(String message) {
        super(message);
    }

    public HermeticException(String message, Throwable cause) {
        super(message, cause);
    }
}
