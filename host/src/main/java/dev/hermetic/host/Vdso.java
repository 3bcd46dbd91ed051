package dev.hermetic.host;

import java.util.Set;

/**
 * The host-import table an engine may use: its only door out. An engine importing anything
 * else — WASI, another module, a memory, a table, a global — is refused at load.
 */
public enum Vdso {
    /** {@code vdso.process_exit(i64)} only. */
    EXIT_ONLY(Set.of(Vdso.PROCESS_EXIT)),
    /** {@code process_exit} plus the hook calls {@code hook_call} and {@code hook_result}. */
    WITH_HOOKS(Set.of(Vdso.PROCESS_EXIT, Vdso.HOOK_CALL, Vdso.HOOK_RESULT));

    /** The import module every vDSO function lives in. */
    public static final String MODULE = "vdso";

    public static final String PROCESS_EXIT = "process_exit";
    public static final String HOOK_CALL = "hook_call";
    public static final String HOOK_RESULT = "hook_result";

    /** Function names of module {@value #MODULE} this variant grants. */
    private final Set<String> functions;

    Vdso(Set<String> functions) {
        this.functions = functions;
    }

    public Set<String> functions() {
        return functions;
    }
}
