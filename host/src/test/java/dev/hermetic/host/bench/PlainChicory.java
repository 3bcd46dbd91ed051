package dev.hermetic.host.bench;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.host.abi.Abi;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A filter engine on plain Chicory, compiled, with no host around it: the yardstick the
 * benches hold Hermetic to. One instance with its own compiled code (so its memory call sites
 * see one memory class), {@code _initialize} and {@code engine_init} run, the filter's spans
 * placed in the engine's span window. {@code process_exit} fails the caller (filters end by
 * returning); hook calls answer NOT_SUPPORTED. Not thread-safe.
 */
public final class PlainChicory {
    private final String engine;
    private final Instance instance;
    private final ExportFunction start;
    private final int window;
    private final int windowBytes;

    public PlainChicory(String engine, byte[] wasm, Function<MemoryLimits, Memory> memory) {
        this.engine = engine;
        WasmModule module = Parser.parse(wasm);
        instance = Instance.builder(module)
                .withImportValues(imports(engine, module))
                .withMachineFactory(MachineFactoryCompiler.compile(module))
                .withMemoryFactory(memory)
                .withStart(false)
                .build();
        for (String init : List.of("_initialize", Abi.ENGINE_INIT)) {
            if (hasExport(module, init)) {
                instance.export(init).apply();
            }
        }
        start = instance.export(Abi.ENGINE_START);
        window = (int) instance.export("hermetic_span_window").apply()[0];
        windowBytes = (int) instance.export("hermetic_span_window_size").apply()[0];
    }

    /** {@code engine_start}'s four arguments with {@code input} in the span window and room for {@code outCap} bytes after it. */
    public long[] place(byte[] input, int outCap) {
        int outputAt = window + ((input.length + 4095) & ~4095);
        if ((long) outputAt + outCap > (long) window + windowBytes) {
            throw new IllegalStateException(engine + ": span window too small for the input and output");
        }
        instance.memory().write(window, input);
        return new long[] {window, input.length, outputAt, outCap};
    }

    /** Calls {@code engine_start} with arguments from {@link #place}; returns its status, failing on a negative one. */
    public long start(long[] args) {
        long status = start.apply(args)[0];
        if (status < 0) {
            throw new IllegalStateException(engine + " failed with status " + status);
        }
        return status;
    }

    /** One filter call, input copied in and output copied out, as a host would. */
    public byte[] filter(byte[] input, int outCap) {
        long[] args = place(input, outCap);
        return instance.memory().readBytes((int) args[2], (int) start(args));
    }

    private static ImportValues imports(String engine, WasmModule module) {
        List<ImportFunction> functions = new ArrayList<>();
        for (FunctionImport imp : module.importSection().stream().filter(FunctionImport.class::isInstance)
                .map(FunctionImport.class::cast).toList()) {
            var type = module.typeSection().getType(imp.typeIndex());
            functions.add(new HostFunction(imp.module(), imp.name(), type, imp.name().equals(Abi.PROCESS_EXIT)
                    ? (inst, a) -> {
                        throw new IllegalStateException(engine + " called process_exit(" + a[0] + ")");
                    }
                    : (inst, a) -> new long[] {-2}));
        }
        return ImportValues.builder().withFunctions(functions).build();
    }

    private static boolean hasExport(WasmModule module, String name) {
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            if (module.exportSection().getExport(i).name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
