package dev.hermetic.host;

/**
 * A span the caller passed cannot be mapped: its VMO handle is closed, or lacks a right the
 * mapping needs ({@code MAP} and {@code READ}, and {@code WRITE} for a writable span). Thrown
 * by {@link EngineProcess#start} before anything runs; the caller's mistake, never an engine trap.
 */
public final class SpanRefusedException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public SpanRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
