package dev.hermetic.host.internal;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Plain Chicory instances of test modules, warmed the way a zygote warms them, and the
 * snapshot a pre-initialized module is written from.
 */
final class WarmInstances {

    private WarmInstances() {}

    /** The exports a pre-initialized module leaves out. */
    static final Set<String> INIT_EXPORTS = Set.of("engine_init", "_initialize");

    /** Thrown out of {@code vdso.process_exit}. */
    static final class ProcessExit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final long code;

        ProcessExit(long code) {
            super("process_exit(" + code + ")", null, false, false);
            this.code = code;
        }
    }

    /** What a warm instance holds: enough to write its pre-initialized module. */
    record Snapshot(InstanceState state, int pages, byte[] memory) {
        byte[] write(byte[] original) {
            return PortableModule.write(original, state, pages, memory, INIT_EXPORTS);
        }
    }

    /** An instance of {@code module} with the minimal vDSO; the start function runs. */
    static Instance instantiate(WasmModule module, boolean compiled) {
        HostFunction processExit = new HostFunction("vdso", "process_exit",
                FunctionType.of(List.of(ValType.I64), List.of()), (inst, args) -> {
                    throw new ProcessExit(args[0]);
                });
        Instance.Builder builder = Instance.builder(module)
                .withImportValues(ImportValues.builder().addFunction(processExit).build());
        if (compiled) {
            builder.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        return builder.build();
    }

    /** An instance of {@code wasm} after {@code _initialize} and {@code engine_init}, as exported. */
    static Instance warm(byte[] wasm, boolean compiled) {
        WasmModule module = Parser.parse(wasm);
        Instance instance = instantiate(module, compiled);
        for (String init : List.of("_initialize", "engine_init")) {
            if (exportNames(module).contains(init)) {
                instance.export(init).apply();
            }
        }
        return instance;
    }

    static Snapshot snapshot(Instance instance) {
        Memory memory = instance.memory();
        int pages = memory.pages();
        return new Snapshot(InstanceState.capture(instance), pages, memory.readBytes(0, pages * Memory.PAGE_SIZE));
    }

    static List<String> exportNames(WasmModule module) {
        ExportSection exports = module.exportSection();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < exports.exportCount(); i++) {
            names.add(exports.getExport(i).name());
        }
        return names;
    }

    /** A call's outcome: its results, or that it trapped. */
    record Outcome(boolean trapped, List<Long> results) {
        static Outcome of(Instance instance, String export, long... args) {
            try {
                long[] r = instance.export(export).apply(args);
                List<Long> results = new ArrayList<>();
                for (long v : r == null ? new long[0] : r) {
                    results.add(v);
                }
                return new Outcome(false, results);
            } catch (RuntimeException e) {
                if (e instanceof ProcessExit) {
                    throw e;
                }
                return new Outcome(true, List.of());
            }
        }

        static Outcome value(long v) {
            return new Outcome(false, List.of(v));
        }

        static Outcome trap() {
            return new Outcome(true, List.of());
        }
    }
}
