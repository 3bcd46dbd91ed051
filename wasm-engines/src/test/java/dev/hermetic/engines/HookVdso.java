package dev.hermetic.engines;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.hooks.EngineMemory;
import dev.hermetic.hooks.HookGate;
import java.util.Collections;
import java.util.List;

/**
 * A tiny vDSO for tests: {@code vdso.hook_call} and {@code vdso.hook_result} with the types
 * ABI.md gives, answered by a {@link HookGate}, which implements the protocol at byte level.
 * Counts how often the engine invoked each import.
 */
final class HookVdso {

    /** {@code hook_call(i32 name_ptr, i32 name_len, i32 capdata_ptr, i32 capdata_len, i32 result_ptr, i32 result_cap) -> i64}. */
    static final FunctionType HOOK_CALL = FunctionType.of(Collections.nCopies(6, ValType.I32), List.of(ValType.I64));

    /** {@code hook_result(i32 result_ptr, i32 result_cap) -> i64}. */
    static final FunctionType HOOK_RESULT = FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64));

    /** Status a vDSO without hooks answers. */
    static final long NOT_SUPPORTED = -2;

    /** Answers every call; the test owns it and closes it. */
    private final HookGate gate;

    /** Times the engine invoked {@code hook_call}. */
    private int hookCalls;

    /** Times the engine invoked {@code hook_result}. */
    private int hookResults;

    HookVdso(HookGate gate) {
        this.gate = gate;
    }

    int hookCalls() {
        return hookCalls;
    }

    int hookResults() {
        return hookResults;
    }

    List<HostFunction> functions() {
        return List.of(
                new HostFunction("vdso", "hook_call", HOOK_CALL, (instance, args) -> {
                    hookCalls++;
                    return new long[] {gate.call(memory(instance), (int) args[0], (int) args[1],
                            (int) args[2], (int) args[3], (int) args[4], (int) args[5])};
                }),
                new HostFunction("vdso", "hook_result", HOOK_RESULT, (instance, args) -> {
                    hookResults++;
                    return new long[] {gate.takeResult(memory(instance), (int) args[0], (int) args[1])};
                }));
    }

    /** The two imports as a vDSO without hooks has them: both answer NOT_SUPPORTED. */
    static List<HostFunction> unsupported() {
        return List.of(
                new HostFunction("vdso", "hook_call", HOOK_CALL, (instance, args) -> new long[] {NOT_SUPPORTED}),
                new HostFunction("vdso", "hook_result", HOOK_RESULT, (instance, args) -> new long[] {NOT_SUPPORTED}));
    }

    private static EngineMemory memory(Instance instance) {
        return EngineMemory.over(instance.memory(), m -> (long) m.pages() * Memory.PAGE_SIZE, Memory::readBytes, Memory::write);
    }
}
