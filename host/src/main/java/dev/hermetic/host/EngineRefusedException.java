package dev.hermetic.host;

import java.util.List;

/**
 * A valid module that is not an acceptable engine: it imports something outside the chosen
 * {@link Vdso} variant, or lacks or mistypes a required export. Every problem is listed, not
 * only the first.
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
