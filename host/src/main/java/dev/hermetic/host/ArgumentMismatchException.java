package dev.hermetic.host;

/** The arguments given to {@code engine_start} do not match its signature; nothing ran. */
public final class ArgumentMismatchException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public ArgumentMismatchException(String message) {
        super(message);
    }
}
