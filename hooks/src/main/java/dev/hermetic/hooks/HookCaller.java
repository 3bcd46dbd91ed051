package dev.hermetic.hooks;

/**
 * Who is calling a hook: the identity of the calling process, as the host names it.
 *
 * @param processId never null; unique among the host's live processes
 * @param engineName never null; the engine the process runs
 */
public record HookCaller(String processId, String engineName) {
    public HookCaller {
        if (processId == null || engineName == null) {
            throw new HookException(HookStatus.INVALID_ARGS, "caller needs a process id and an engine name");
        }
    }
}
