package dev.hermetic.host;

import dev.hermetic.host.abi.Abi;
import java.util.Set;

/**
 * The host-import table an engine may use: its only door out. An engine importing anything
 * else — WASI, another module, a memory, a table, a global — is refused at load. The names are
 * {@link Abi}'s.
 */
public enum Vdso {
    /** {@code vdso.process_exit(i64)} only. */
    EXIT_ONLY(Set.of(Abi.PROCESS_EXIT)),
    /** {@code process_exit} plus the hook calls {@code hook_call} and {@code hook_result}. */
    WITH_HOOKS(Set.of(Abi.PROCESS_EXIT, Abi.HOOK_CALL, Abi.HOOK_RESULT));

    /** Function names of module {@value Abi#VDSO_MODULE} this variant grants. */
    private final Set<String> functions;

    Vdso(Set<String> functions) {
        this.functions = functions;
    }

    public Set<String> functions() {
        return functions;
    }
}
