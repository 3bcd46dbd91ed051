package dev.hermetic.hooks;

/** Told the cause when a hook throws; the engine sees only {@link HookStatus#INTERNAL}. */
@FunctionalInterface
public interface HookFailureListener {
    void hookFailed(HookCaller caller, String hookName, Throwable cause);

    /** Logs the failure at WARNING on the {@code dev.hermetic.hooks.HookGate} {@link System.Logger}. */
    static HookFailureListener logging() {
        System.Logger logger = System.getLogger(HookGate.class.getName());
        return (caller, hookName, cause) -> logger.log(System.Logger.Level.WARNING,
                "hook " + hookName + " failed for process " + caller.processId(), cause);
    }
}
