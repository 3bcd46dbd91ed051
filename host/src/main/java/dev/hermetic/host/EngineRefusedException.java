package dev.hermetic.host;

import java.util.List;

/**
 * A module this host will not run as an engine: it imports something outside the chosen
 * {@link Vdso} variant, lacks or mistypes a required export, uses a WebAssembly feature the
 * host's {@link ExecutionMode} does not execute (named with where it is first used), or is
 * larger than the host's maximum module size. Every problem is listed, not only the first.
 */
public final class EngineRefusedException extends HermeticException {
    private static final long serialVersionUID = 1L;

    /** One line per problem, never empty. */
    private final List<String> problems;

    public EngineRefusedException(List<String> problems) {
        super("engine refused: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
