package dev.hermetic.host;

/** A warm-up that did not finish normally: no snapshot was taken. The result says how it ended. */
public final class WarmupFailedException extends HermeticException {
    private static final long serialVersionUID = 1L;

    /** How the warm-up process ended. */
    private final transient ProcessResult result;

    public WarmupFailedException(ProcessResult result) {
        super("the warm-up did not finish: " + result);
        this.result = result;
    }

    public ProcessResult result() {
        return result;
    }
}
