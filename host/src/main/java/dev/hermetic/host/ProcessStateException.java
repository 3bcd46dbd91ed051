package dev.hermetic.host;

/** An operation that the process's current state does not allow, such as starting it twice. */
public final class ProcessStateException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public ProcessStateException(String message) {
        super(message);
    }
}
