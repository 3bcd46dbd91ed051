package dev.hermetic.host.internal;

/** The spans passed to a process do not fit where the engine lets them go. */
public final class SpansDoNotFit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpansDoNotFit(String message) {
        super(message);
    }
}
