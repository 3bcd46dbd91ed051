package dev.hermetic.engines;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A packaged engine on plain Chicory, compiled (or interpreted), default memory: the minimal
 * host the ABI asks for ({@code vdso.process_exit}, spans copied into the span window). An engine that
 * imports the hook calls gets them from a {@link HookVdso} when one is given, otherwise
 * stubs that answer NOT_SUPPORTED, as a vDSO without hooks would.
 */
final class ChicoryEngine {

    static final int PAGE = 4096;

    /** Parsed module plus its compiled machine factory per engine name; compiled once. */
    private static final Map<String, Compiled> COMPILED = new ConcurrentHashMap<>();

    private record Compiled(WasmModule module, Function<Instance, Machine> machine) {}

    /** Thrown out of {@code vdso.process_exit}; carries the exit code. */
    static final class ProcessExit extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The code the engine passed to process_exit. */
        final long code;

        ProcessExit(long code) {
            super("process_exit(" + code + ")", null, false, false);
            this.code = code;
        }
    }

    /** What a filter call returned: a byte count (then output holds them) or a status. */
    record FilterResult(long status, byte[] output) {}

    /** The instance, with _initialize already run if the engine exports it. */
    private final Instance instance;

    /** The module, for export lookups. */
    private final WasmModule module;

    private ChicoryEngine(String name, MemoryLimits limits, HookVdso hooks) {
        this(name, limits, hooks, true);
    }

    private ChicoryEngine(String name, MemoryLimits limits, HookVdso hooks, boolean compiled) {
        this.module = module(name);
        HostFunction processExit = new HostFunction(
                "vdso", "process_exit", FunctionType.of(List.of(ValType.I64), List.of()),
                (inst, args) -> {
                    throw new ProcessExit(args[0]);
                });
        Instance.Builder builder = Instance.builder(module);
        if (limits != null) {
            builder.withMemoryLimits(limits);
        }
        ImportValues.Builder imports = ImportValues.builder().addFunction(processExit);
        for (HostFunction hook : hooks != null ? hooks.functions() : HookVdso.unsupported()) {
            imports.addFunction(hook);
        }
        this.instance = builder
                .withImportValues(imports.build())
                .withMachineFactory(compiled ? compiledMachine(name) : InterpreterMachine::new)
                .build();
        if (exports("_initialize")) {
            instance.export("_initialize").apply();
        }
    }

    private static Function<Instance, Machine> compiledMachine(String name) {
        return COMPILED.computeIfAbsent(name, ChicoryEngine::compile).machine();
    }

    private static Compiled compile(String name) {
        WasmModule module = Parser.parse(Engines.bytes(name));
        return new Compiled(module, MachineFactoryCompiler.compile(module));
    }

    /** A fresh process of engine {@code name}. */
    static ChicoryEngine start(String name) {
        return new ChicoryEngine(name, null, null);
    }

    /** A fresh process of engine {@code name} on Chicory's interpreter instead of its compiler. */
    static ChicoryEngine startInterpreted(String name) {
        return new ChicoryEngine(name, null, null, false);
    }

    /** A fresh process of engine {@code name} whose hook calls go to {@code hooks}. */
    static ChicoryEngine start(String name, HookVdso hooks) {
        return new ChicoryEngine(name, null, hooks);
    }

    /** A fresh process of engine {@code name} whose memory is held to {@code limits}. */
    static ChicoryEngine start(String name, MemoryLimits limits) {
        return new ChicoryEngine(name, limits, null);
    }

    static WasmModule module(String name) {
        return COMPILED.computeIfAbsent(name, ChicoryEngine::compile).module();
    }

    boolean exports(String export) {
        ExportSection exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            if (exports.getExport(i).name().equals(export)) {
                return true;
            }
        }
        return false;
    }

    long[] call(String export, long... args) {
        return instance.export(export).apply(args);
    }

    Memory memory() {
        return instance.memory();
    }

    /** Grows memory to hold {@code len} more bytes and returns the page-aligned start. */
    int mapAfterEnd(int len) {
        int start = memory().pages() * Memory.PAGE_SIZE;
        memory().grow((len + Memory.PAGE_SIZE - 1) / Memory.PAGE_SIZE + 1);
        return start;
    }

    /**
     * Runs the filter convention once: input at the window base, output at the next 4 KiB
     * boundary, capacity {@code outCap}.
     */
    FilterResult filter(byte[] input, int outCap) {
        int base = (int) call("hermetic_span_window")[0];
        int size = (int) call("hermetic_span_window_size")[0];
        int out = base + roundUp(input.length);
        if (out - base + (long) outCap > size) {
            throw new IllegalArgumentException("input and output exceed the span window");
        }
        memory().write(base, input);
        long status = call("engine_start", base, input.length, out, outCap)[0];
        byte[] output = status >= 0 ? memory().readBytes(out, (int) status) : new byte[0];
        return new FilterResult(status, output);
    }

    /**
     * The engine's log as the host reads it (ABI.md, "The log"): the header at the address
     * {@code hermetic_log()} returns, then the ring's bytes oldest first, as UTF-8.
     */
    String log() {
        int header = (int) call("hermetic_log")[0];
        int ring = memory().readInt(header);
        int capacity = memory().readInt(header + 4);
        long written = memory().readLong(header + 8);
        byte[] bytes = memory().readBytes(ring, capacity);
        if (written <= capacity) {
            return new String(bytes, 0, (int) written, java.nio.charset.StandardCharsets.UTF_8);
        }
        int next = (int) (written % capacity);
        return new String(bytes, next, capacity - next, java.nio.charset.StandardCharsets.UTF_8)
                + new String(bytes, 0, next, java.nio.charset.StandardCharsets.UTF_8);
    }

    static int roundUp(int len) {
        return (len + PAGE - 1) / PAGE * PAGE;
    }
}
