package dev.hermetic.host.internal;

/** Thrown by {@code vdso.process_exit} to unwind the engine; carries the exit code. No stack trace: it is control flow. */
public final class ProcessExitSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The code the engine passed to {@code process_exit}. */
    private final long code;

    public ProcessExitSignal(long code) {
        super("process_exit(" + code + ")", null, false, false);
        this.code = code;
    }

    public long code() {
        return code;
    }
}
