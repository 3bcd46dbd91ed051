package dev.hermetic.host;

/** The bytes are not a well-formed, valid WebAssembly module. */
public final class EngineFormatException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public EngineFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
