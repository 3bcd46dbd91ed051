package dev.hermetic.host;

import java.util.Optional;

/**
 * A process being warmed up, as a {@link Warmup} sees it: it may call the engine's exported
 * functions, with spans, any number of times. Valid only inside {@link Warmup#run}.
 */
public interface WarmInstance {
    /** Whether the engine exports a function of this name. */
    boolean exportsFunction(String name);

    /**
     * Calls an exported function, checking {@code args} against its signature as
     * {@link EngineProcess#start} does; spans are mapped into the span window.
     *
     * @return its result, empty when it returns nothing
     * @throws ArgumentMismatchException if the arguments do not fit, or no such function is exported
     */
    Optional<Value> call(String export, Arg... args);
}
