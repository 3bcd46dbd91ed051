package dev.hermetic.host;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.host.internal.EngineChecker;
import dev.hermetic.host.internal.MemoryImage;
import dev.hermetic.host.internal.ProcessMemory;
import dev.hermetic.host.internal.VdsoImports;
import dev.hermetic.hooks.HookGate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A loaded engine: parsed, checked and compiled once, ready to start any number of processes.
 * Immutable and safe to share between threads.
 */
public final class Engine {
    /** The host that loaded this engine and runs its processes. */
    private final Host host;
    /** The parsed module; it passed {@link EngineChecker} under the host's vDSO. */
    private final WasmModule module;
    /** Lowercase hex SHA-256 of the module's bytes: the cache key. */
    private final String sha256;
    /** A short bounded name used in metrics and thread names. */
    private final String name;
    /** Builds one machine per instance: compiled bytecode or the interpreter. */
    private final Function<Instance, Machine> machineFactory;
    /**
     * The vDSO host functions for this module's imports when they hold no state, shared by every
     * process; null when the module imports hook calls, whose functions are bound per process.
     */
    private final ImportValues sharedImports;
    /** The parameter types of {@code engine_start}, numbers only. */
    private final List<ValueType> startParameters;
    /** The result type of {@code engine_start}; empty when it returns nothing. */
    private final Optional<ValueType> startResult;
    /** The initial memory, data segments applied once; every process maps it copy-on-write. */
    private final MemoryImage image;
    /** The engine's imports and exports as listed by {@link Host#inspect}; always valid. */
    private final EngineInfo info;
    /** Whether the module exports a span window. */
    private final boolean hasSpanWindow;
    /** Whether the module exports {@code _initialize}, run before anything else in every process. */
    private final boolean hasInitialize;

    Engine(Host host, WasmModule module, String sha256, String name, Function<Instance, Machine> machineFactory,
            MemoryImage image, EngineInfo info) {
        this.host = host;
        this.module = module;
        this.sha256 = sha256;
        this.name = name;
        this.machineFactory = machineFactory;
        this.sharedImports = VdsoImports.importsHooks(module) ? null : VdsoImports.forProcess(module, null);
        this.image = image;
        this.info = info;
        FunctionType start = EngineChecker.exportedFunction(module, EngineChecker.ENGINE_START).orElseThrow();
        this.startParameters = start.params().stream().map(Engine::valueType).toList();
        this.startResult = start.returns().stream().map(Engine::valueType).findFirst();
        this.hasSpanWindow = EngineChecker.exportedFunction(module, EngineChecker.SPAN_WINDOW).isPresent();
        this.hasInitialize = EngineChecker.exportedFunction(module, EngineChecker.INITIALIZE).isPresent();
    }

    private static ValueType valueType(ValType t) {
        if (t.equals(ValType.I32)) {
            return ValueType.I32;
        } else if (t.equals(ValType.I64)) {
            return ValueType.I64;
        } else if (t.equals(ValType.F32)) {
            return ValueType.F32;
        }
        return ValueType.F64;
    }

    public String sha256() {
        return sha256;
    }

    public String name() {
        return name;
    }

    public ExecutionMode mode() {
        return host.mode();
    }

    public List<ValueType> startParameters() {
        return startParameters;
    }

    public Optional<ValueType> startResult() {
        return startResult;
    }

    public EngineInfo info() {
        return info;
    }

    /** A new process with the host's default limits, not yet started. */
    public EngineProcess newProcess() {
        return newProcess(host.defaultLimits());
    }

    /**
     * A new process with {@code limits}, not yet started, granted the named hooks of the host.
     *
     * @throws dev.hermetic.hooks.HookException NOT_FOUND if a name is not in the host's hook table
     */
    public EngineProcess newProcess(Limits limits, String... grantedHooks) {
        return new EngineProcess(this, limits, Set.of(grantedHooks));
    }

    Host host() {
        return host;
    }

    WasmModule module() {
        return module;
    }

    MemoryImage image() {
        return image;
    }

    boolean hasSpanWindow() {
        return hasSpanWindow;
    }

    boolean hasInitialize() {
        return hasInitialize;
    }

    /** The vDSO for one process; {@code gate} is used only if the module imports hook calls. */
    ImportValues imports(HookGate gate) {
        return sharedImports != null ? sharedImports : VdsoImports.forProcess(module, gate);
    }

    /** Instantiates the module over {@code memory}: data segments applied, start function run. */
    Instance instantiate(ProcessMemory memory, HookGate gate) {
        return Instance.builder(module)
                .withImportValues(imports(gate))
                .withMachineFactory(machineFactory)
                .withMemoryFactory(memory::create)
                .build();
    }
}
