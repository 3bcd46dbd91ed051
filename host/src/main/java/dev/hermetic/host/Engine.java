package dev.hermetic.host;

import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.hermetic.host.abi.Abi;
import dev.hermetic.host.internal.InstanceState;
import dev.hermetic.host.internal.KillSwitch;
import dev.hermetic.host.internal.MemoryImage;
import dev.hermetic.host.internal.VdsoImports;
import dev.hermetic.hooks.HookGate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A loaded engine: parsed, checked and compiled once, ready to start any number of processes.
 * Safe to share between threads: processes, clones and warm processes of one engine run
 * concurrently, each on its own thread. The host calls only what wasm-engines/ABI.md names: the
 * start section and {@code _initialize} once per instance, {@code engine_init} to warm up, and
 * {@code engine_start}; an exported {@code _start} (a WASI command's entry) is never called. Close it (or {@link Host#unload} it) when no more processes
 * will start: it leaves the host's cache, and its compiled code and image are garbage once no
 * process or snapshot refers to it.
 */
public final class Engine implements AutoCloseable {
    /** The host that loaded this engine and runs its processes. */
    private final Host host;
    /** The parsed module; it passed {@link EngineChecker} under the host's vDSO. */
    private final WasmModule module;
    /**
     * The module instances are built from: {@link #module} without its start section, whose
     * function {@link #instantiate} calls instead, so a clone can be built without running it.
     */
    private final WasmModule instanceModule;
    /** The start section's function index, or -1 when there is none. */
    private final int startFunction;
    /** The module's bytes, as loaded; never modified. Portable snapshots rewrite them. */
    private final byte[] bytes;
    /** The bytes rewritten by the fuel meter, before any splitting; null when the host does not meter. */
    private final java.util.function.Supplier<byte[]> meteredBytes;
    /** The fuel counter's global index in {@link #module}; -1 when the host does not meter. */
    private final int fuelGlobal;
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
    /** False until {@link #close}; then no process, clone or snapshot starts. Never false again. */
    private volatile boolean closed;

    Engine(Host host, WasmModule module, WasmModule instanceModule, byte[] bytes, java.util.function.Supplier<byte[]> meteredBytes,
            String sha256, String name,
            Function<Instance, Machine> machineFactory, MemoryImage image, EngineInfo info) {
        this.host = host;
        this.module = module;
        this.instanceModule = instanceModule;
        this.startFunction = module.startSection().map(st -> (int) st.startIndex()).orElse(-1);
        this.bytes = bytes;
        this.meteredBytes = meteredBytes;
        this.fuelGlobal = meteredBytes == null ? -1 : VdsoImports.fuelGlobal(module);
        if (meteredBytes != null && fuelGlobal < 0) {
            throw new IllegalStateException("a metered module without its fuel counter");
        }
        this.sha256 = sha256;
        this.name = name;
        this.machineFactory = machineFactory;
        this.sharedImports = VdsoImports.importsHooks(module) ? null : VdsoImports.forProcess(module, null, null);
        this.image = image;
        this.info = info;
        FunctionType start = EngineChecker.exportedFunction(module, Abi.ENGINE_START).orElseThrow();
        this.startParameters = start.params().stream().map(Engine::valueType).toList();
        this.startResult = start.returns().stream().map(Engine::valueType).findFirst();
        this.hasSpanWindow = EngineChecker.exportedFunction(module, Abi.SPAN_WINDOW).isPresent();
        this.hasInitialize = EngineChecker.exportedFunction(module, Abi.INITIALIZE).isPresent();
    }

    /** The value type of a number; null for anything else (vectors, references). */
    static ValueType valueType(ValType t) {
        if (t.equals(ValType.I32)) {
            return ValueType.I32;
        } else if (t.equals(ValType.I64)) {
            return ValueType.I64;
        } else if (t.equals(ValType.F32)) {
            return ValueType.F32;
        } else if (t.equals(ValType.F64)) {
            return ValueType.F64;
        }
        return null;
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

    /**
     * A new process with the host's default limits, not yet started, granted the named hooks.
     *
     * @throws UnknownHookException if a name is not in the host's hook table
     */
    public EngineProcess newProcess(String... grantedHooks) {
        return newProcess(host.defaultLimits(), grantedHooks);
    }

    /**
     * A new process with {@code limits}, not yet started, granted the named hooks of the host.
     *
     * @throws UnknownHookException if a name is not in the host's hook table
     * @throws EngineClosedException if the engine is closed
     */
    public EngineProcess newProcess(Limits limits, String... grantedHooks) {
        requireOpen();
        return new EngineProcess(this, limits, Set.of(grantedHooks), null, false);
    }

    /**
     * Runs the engine once as a filter on {@code input}, in a fresh process with the host's
     * default limits, no hooks, and room for {@link FilterRequest#defaultOutputCapacity} bytes.
     *
     * <pre>{@code
     * byte[] digest = host.load(wasm).filter(input).output();
     * }</pre>
     *
     * @throws ArgumentMismatchException if {@code engine_start} does not take the filter's four i32
     * @throws InterruptedException if the calling thread is interrupted while waiting; the process is killed
     */
    public FilterResult filter(byte[] input) throws InterruptedException {
        return filter(FilterRequest.of(input));
    }

    /**
     * Runs the engine once as a filter, in a fresh process, as {@code request} says. The input and
     * output VMOs are made and closed here; for zero-copy use map your own with
     * {@link #newProcess} and {@link Span}.
     *
     * @throws ArgumentMismatchException if {@code engine_start} does not take the filter's four i32
     * @throws UnknownHookException if a granted hook is not in the host's hook table
     * @throws InterruptedException if the calling thread is interrupted while waiting; the process is killed
     */
    public FilterResult filter(FilterRequest request) throws InterruptedException {
        Limits limits = request.limits().orElse(host.defaultLimits());
        return Filters.run(request, (in, out) -> {
            requireOpen();
            return Filters.once(new EngineProcess(this, limits, Set.of(request.hooks()), null, true), in, out);
        });
    }

    /** A warm process under the host's default limits, granted no hooks; see {@link #warmProcess(Limits, String...)}. */
    public WarmProcess warmProcess() throws InterruptedException {
        return warmProcess(host.defaultLimits());
    }

    /**
     * A process initialized once ({@code _initialize}, then {@code engine_init} if exported) and
     * kept for many calls of {@code engine_start}; the caller closes it. Returns once the
     * initialization has returned, within the limits' deadline.
     *
     * @throws WarmupFailedException if the initialization trapped, exited or was killed
     * @throws UnknownHookException if a granted hook is not in the host's hook table
     * @throws EngineClosedException if the engine is closed
     * @throws InterruptedException if the calling thread is interrupted while waiting; the process is killed
     */
    public WarmProcess warmProcess(Limits limits, String... grantedHooks) throws InterruptedException {
        requireOpen();
        return new WarmProcess(this, limits, Set.of(grantedHooks));
    }

    /**
     * No new process, clone or snapshot of this engine: each then throws
     * {@link EngineClosedException}. Processes and clones already made run and finish as usual.
     * The engine leaves the host's cache: loading its bytes again compiles a new engine.
     * Closing again does nothing.
     */
    @Override
    public void close() {
        closed = true;
        host.forget(this);
    }

    public boolean isClosed() {
        return closed;
    }

    /** @throws EngineClosedException if the engine is closed */
    void requireOpen() {
        if (closed) {
            throw new EngineClosedException("the engine " + name + " is closed");
        }
    }

    /** What the engine weighs in the host's cache: its module's bytes and its image's committed pages. */
    long weightBytes() {
        return bytes.length + image.committedBytes();
    }

    /**
     * Warms a process with {@link Warmup#engineInit()} under the host's default limits and
     * snapshots it.
     *
     * @throws WarmupFailedException if the warm-up trapped, exited or was killed
     * @throws InterruptedException if the calling thread is interrupted while waiting; the warm process is killed
     */
    public Snapshot snapshot() throws InterruptedException {
        return snapshot(host.defaultLimits(), Warmup.engineInit());
    }

    /**
     * Runs a process through {@code _initialize} and {@code warmup} on its own thread, under
     * {@code limits}, then snapshots it as RFC-0013 describes a zygote: every mapping of its
     * address space frozen copy-on-write, its globals and tables copied, its compiled code
     * shared. The warm process then ends; spawn clones from the snapshot.
     *
     * @param grantedHooks hooks the warm-up may call; references it was given stay valid in clones
     * @throws WarmupFailedException if the warm-up trapped, exited or was killed
     * @throws EngineClosedException if the engine is closed
     * @throws InterruptedException if the calling thread is interrupted while waiting; the warm process is killed
     */
    public Snapshot snapshot(Limits limits, Warmup warmup, String... grantedHooks) throws InterruptedException {
        requireOpen();
        EngineProcess warm = new EngineProcess(this, limits, Set.of(grantedHooks), null, false);
        Snapshot[] taken = new Snapshot[1];
        warm.launch((instance, memory) -> {
            warmup.run(warm.warmInstance(instance, memory));
            taken[0] = Snapshot.take(this, instance, memory, warm.hookGate(), limits.fuel());
            return new ProcessResult.Returned(Optional.empty());
        });
        // await() orders the engine thread's write of taken[0] before this read.
        ProcessResult result;
        try {
            result = warm.await();
        } catch (InterruptedException e) {
            warm.close();
            if (taken[0] != null) {
                taken[0].close();
            }
            throw e;
        }
        if (!(result instanceof ProcessResult.Returned) || taken[0] == null) {
            if (taken[0] != null) {
                taken[0].close();
            }
            throw new WarmupFailedException(result);
        }
        return taken[0];
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

    /** The engine's module bytes, as loaded. */
    byte[] bytes() {
        return bytes;
    }

    /** The fuel-metered module bytes (unsplit), or null when the host does not meter. */
    byte[] meteredBytes() {
        return meteredBytes == null ? null : meteredBytes.get();
    }

    /** Whether this engine counts its fuel. */
    public boolean metered() {
        return fuelGlobal >= 0;
    }

    /** The fuel counter's global index, or -1. */
    int fuelGlobal() {
        return fuelGlobal;
    }

    /** What is left of {@code instance}'s fuel; {@link Long#MAX_VALUE} when not metered. */
    long fuelLeft(Instance instance) {
        return fuelGlobal < 0 ? Long.MAX_VALUE : instance.global(fuelGlobal).getValue();
    }

    /** Sets what is left of {@code instance}'s fuel; nothing when not metered. */
    void setFuel(Instance instance, long fuel) {
        if (fuelGlobal >= 0) {
            instance.global(fuelGlobal).setValue(fuel);
        }
    }

    Function<Instance, Machine> machineFactory() {
        return machineFactory;
    }

    /** The vDSO for one instance; {@code binding} is used only if the module imports hook calls. */
    ImportValues imports(HookGate gate, KillSwitch kill) {
        return imports(new VdsoImports.Binding(gate, kill));
    }

    /** As {@link #imports(HookGate, KillSwitch)}, read through {@code binding}. */
    ImportValues imports(VdsoImports.Binding binding) {
        return sharedImports != null ? sharedImports : VdsoImports.forProcess(module, binding);
    }

    WasmModule instanceModule() {
        return instanceModule;
    }

    /**
     * Builds a process's instance over {@code memory}, the hook imports bound through
     * {@code binding}, with {@code fuel} to spend; fresh processes and clones differ only in
     * {@code warm}. A fresh process ({@code warm} null, {@code memory} made from the engine's
     * image) gets the module's own globals and tables and runs its start function. A clone
     * ({@code memory} made from the snapshot's frozen pages) gets {@code warm}'s globals and
     * table entries and runs no engine code: the instance module has no start section, and the
     * warm process ran it already.
     */
    Instance instantiate(ProcessMemory memory, VdsoImports.Binding binding, long fuel, InstanceState warm) {
        Instance.Builder builder = Instance.builder(instanceModule)
                .withImportValues(imports(binding))
                .withMachineFactory(machineFactory)
                .withMemoryFactory(memory::create)
                .withTableFactory(memory.tables())
                // Chicory would call an exported _start (a WASI command's entry); the ABI never does.
                .withStart(false);
        if (warm != null) {
            builder.withGlobalFactory(warm.globalFactory());
        }
        Instance instance = builder.build();
        if (warm != null) {
            warm.restoreInto(instance);
        }
        // A clone's warm counter came with the globals; every process spends its own budget.
        setFuel(instance, fuel);
        if (warm == null && startFunction >= 0) {
            instance.getMachine().call(startFunction, new long[0]);
        }
        return instance;
    }

    /** {@code module} without its start section; the same object when it has none. */
    static WasmModule withoutStart(WasmModule module) {
        if (module.startSection().isEmpty()) {
            return module;
        }
        WasmModule.Builder b = WasmModule.builder()
                .setTypeSection(module.typeSection())
                .setImportSection(module.importSection())
                .setFunctionSection(module.functionSection())
                .setTableSection(module.tableSection())
                .setGlobalSection(module.globalSection())
                .setExportSection(module.exportSection())
                .setElementSection(module.elementSection())
                .setCodeSection(module.codeSection())
                .setDataSection(module.dataSection())
                .withValidation(false)
                // the compiler's cache is consulted only for a module with a digest
                .withDigest(module.digest());
        module.memorySection().ifPresent(b::setMemorySection);
        module.dataCountSection().ifPresent(b::setDataCountSection);
        module.tagSection().ifPresent(b::setTagSection);
        for (CustomSection c : module.customSections()) {
            b.addCustomSection(c.name(), c);
        }
        return b.build();
    }
}
