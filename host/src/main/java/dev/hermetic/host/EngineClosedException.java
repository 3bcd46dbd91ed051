package dev.hermetic.host;

/** The engine was closed ({@link Engine#close}, {@link Host#unload}): it starts no new process, clone or snapshot. */
public final class EngineClosedException extends HermeticException {
    private static final long serialVersionUID = 1L;

    public EngineClosedException(String message) {
        super(message);
    }
}
