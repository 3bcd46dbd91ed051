package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import dev.hermetic.hooks.EngineMemory;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.host.abi.Abi;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the host functions behind the vDSO imports a checked engine declares. Without hook
 * imports they hold no state and one set serves every process; with them, each process gets
 * its own set bound to its own {@link HookGate}.
 */
public final class VdsoImports {
    private VdsoImports() {}

    /** Whether the module imports a hook call, so its imports must be built per process. */
    public static boolean importsHooks(WasmModule module) {
        return functionImports(module).stream().anyMatch(imp -> !imp.name().equals(Abi.PROCESS_EXIT));
    }

    /**
     * The process an instance's hook imports serve now. A pooled instance outlives its
     * process: its imports read the gate and switch from here, and the next process that takes
     * the instance binds its own before any engine code runs. Written only while no engine code
     * runs on the instance; the engine thread reads it after the hand-over.
     */
    public static final class Binding {
        private volatile HookGate gate;
        private volatile KillSwitch kill;

        public Binding(HookGate gate, KillSwitch kill) {
            bind(gate, kill);
        }

        /** Makes the instance's hook calls go through {@code gate}, checked against {@code kill}. */
        public void bind(HookGate gate, KillSwitch kill) {
            this.gate = gate;
            this.kill = kill;
        }
    }

    /**
     * @param gate the process's gate; may be null only when the module imports no hook call
     * @param kill the process's kill switch, checked on every hook call's entry and exit (a hook
     *     that blocks is where a kill can be swallowed); may be null with {@code gate}
     */
    public static ImportValues forProcess(WasmModule module, HookGate gate, KillSwitch kill) {
        return forProcess(module, new Binding(gate, kill));
    }

    /** As {@link #forProcess(WasmModule, HookGate, KillSwitch)}, the gate and switch read from {@code binding} at each call. */
    public static ImportValues forProcess(WasmModule module, Binding binding) {
        int fuel = fuelGlobal(module);
        List<ImportFunction> functions = new ArrayList<>();
        for (FunctionImport imp : functionImports(module)) {
            var type = module.typeSection().getType(imp.typeIndex());
            switch (imp.name()) {
                case Abi.PROCESS_EXIT -> functions.add(new HostFunction(Abi.VDSO_MODULE, imp.name(), type,
                        (instance, args) -> {
                            throw new ProcessExitSignal(args[0]);
                        }));
                // The checker has fixed both signatures: six i32 and two i32, returning i64.
                case Abi.HOOK_CALL -> functions.add(new HostFunction(Abi.VDSO_MODULE, imp.name(), type,
                        (instance, args) -> {
                            KillSwitch kill = binding.kill;
                            kill.check();
                            charge(instance, fuel, HOOK_CALL_FUEL + Integer.toUnsignedLong((int) args[1])
                                    + Integer.toUnsignedLong((int) args[3]));
                            long status = binding.gate.call(engineMemory(instance.memory()),
                                    (int) args[0], (int) args[1], (int) args[2], (int) args[3], (int) args[4], (int) args[5]);
                            kill.check();
                            if (status >= 0 && status <= Integer.toUnsignedLong((int) args[5])) {
                                charge(instance, fuel, status);
                            }
                            return new long[] {status};
                        }));
                case Abi.HOOK_RESULT -> functions.add(new HostFunction(Abi.VDSO_MODULE, imp.name(), type,
                        (instance, args) -> {
                            binding.kill.check();
                            charge(instance, fuel, HOOK_CALL_FUEL);
                            long status = binding.gate.takeResult(engineMemory(instance.memory()), (int) args[0], (int) args[1]);
                            if (status > 0) {
                                charge(instance, fuel, status);
                            }
                            return new long[] {status};
                        }));
                default -> throw new IllegalStateException("the checker let through vdso." + imp.name());
            }
        }
        return ImportValues.builder().withFunctions(functions).build();
    }

    /**
     * Fuel a hook call ({@code hook_call} or {@code hook_result}) costs before any byte: about
     * what a hook's dispatch costs the host, in Wasm instructions. Every byte of the hook's name,
     * its argument capdata and the result delivered costs one unit more.
     */
    public static final long HOOK_CALL_FUEL = 1_000;

    /** The index of the fuel counter the host's meter added, or -1 when the module is not metered. */
    public static int fuelGlobal(WasmModule module) {
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            var e = exports.getExport(i);
            if (e.exportType() == com.dylibso.chicory.wasm.types.ExternalType.GLOBAL
                    && e.name().equals(dev.hermetic.host.internal.wasm.fuel.FuelMeter.EXPORT)) {
                return (int) e.index();
            }
        }
        return -1;
    }

    /** Takes {@code units} from the counter; out of fuel, the process ends (it reads the counter to say why). */
    private static void charge(com.dylibso.chicory.runtime.Instance instance, int fuel, long units) {
        if (fuel < 0) {
            return;
        }
        var global = instance.global(fuel);
        long left = global.getValue() - units;
        global.setValue(left);
        if (left < 0) {
            throw new FuelExhausted();
        }
    }

    /** Thrown by a vDSO call that ran the process out of fuel; the process's end is read from the counter. */
    public static final class FuelExhausted extends RuntimeException {
        public FuelExhausted() {
            super("fuel exhausted", null, false, false);
        }
    }

    private static List<FunctionImport> functionImports(WasmModule module) {
        return module.importSection().stream()
                .filter(FunctionImport.class::isInstance)
                .map(FunctionImport.class::cast)
                .toList();
    }

    /** The linear memory as the gate reads it; a result written over a read-only span traps. */
    private static EngineMemory engineMemory(Memory memory) {
        return EngineMemory.over(memory, m -> (long) m.pages() * Memory.PAGE_SIZE, Memory::readBytes, Memory::write);
    }
}
