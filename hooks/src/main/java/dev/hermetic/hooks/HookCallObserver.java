package dev.hermetic.hooks;

/** Told the outcome of every hook call attempt, for metrics; runs on the engine's thread. */
@FunctionalInterface
public interface HookCallObserver {
    /**
     * @param grantedHook the hook's name when it names a hook granted to the process, else null
     *     (an engine controls the name: never use an ungranted one as a metric tag)
     * @param result what the engine got: a result length, or a negative {@link HookStatus} code
     */
    void called(String grantedHook, long result);

    static HookCallObserver none() {
        return (hook, result) -> {};
    }
}
