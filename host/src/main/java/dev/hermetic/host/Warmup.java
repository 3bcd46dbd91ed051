package dev.hermetic.host;

import dev.hermetic.host.abi.Abi;

/**
 * What a process does before it is snapshotted: typically the engine's own expensive
 * {@code engine_init}, or any calls the caller chooses. It runs on the process's thread,
 * under its limits and deadline; {@code _initialize} has already run.
 */
@FunctionalInterface
public interface Warmup {
    void run(WarmInstance instance);

    /** Calls {@code engine_init} if the engine exports it: the ABI's warm-up. */
    static Warmup engineInit() {
        return instance -> {
            if (instance.exportsFunction(Abi.ENGINE_INIT)) {
                instance.call(Abi.ENGINE_INIT);
            }
        };
    }

    /** Nothing beyond instantiation and {@code _initialize}. */
    static Warmup none() {
        return instance -> {};
    }
}
