package dev.hermetic.hooks;

/**
 * A host function an engine may call by name. Arguments and result are in host (kref) space:
 * the slots are krefs. Any exception is reported to the host's failure listener and reaches
 * the engine only as {@link HookStatus#INTERNAL}.
 */
@FunctionalInterface
public interface Hook {
    CapData call(HookCaller caller, CapData args) throws Exception;
}
