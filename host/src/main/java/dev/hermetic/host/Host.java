package dev.hermetic.host;

import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import dev.hermetic.hooks.HookCaller;
import dev.hermetic.hooks.HookException;
import dev.hermetic.hooks.HookFailureListener;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.hooks.HookTable;
import dev.hermetic.host.internal.EngineCache;
import dev.hermetic.host.internal.CodeCompiler;
import dev.hermetic.host.internal.CodeStore;
import dev.hermetic.host.internal.JvmFlags;
import dev.hermetic.host.internal.MemoryImage;
import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.host.internal.wasm.ModuleFeatures;
import dev.hermetic.host.internal.wasm.ModuleGate;
import dev.hermetic.host.internal.wasm.StubbedCode;
import dev.hermetic.host.internal.wasm.code.CodeDecoder;
import dev.hermetic.host.internal.wasm.fuel.FuelMeter;
import dev.hermetic.host.internal.wasm.split.FunctionSplitter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;

/**
 * The controlling side: loads engines (parsed, checked and compiled once, cached by the SHA-256
 * of their bytes; with {@link Builder#withCodeCache} their compiled code is kept on disk for the
 * next JVM too) and runs their processes. Thread-safe; close it to stop its deadline timer.
 *
 * <p>Module bytes are untrusted. Before Chicory parses them, {@link #load} and {@link #inspect}
 * refuse a module larger than {@link Builder#withMaxModuleBytes}, check every size, count and
 * length in it against the bytes that follow (so a small module cannot make the parser
 * allocate much: {@link EngineFormatException} names the section and offset), and refuse one
 * that uses a WebAssembly feature the {@link ExecutionMode} does not run
 * ({@link EngineRefusedException} names it and where it is used; wasm-engines/ABI.md lists
 * the features per mode).
 *
 * <pre>{@code
 * try (Host host = Host.builder().withMeterRegistry(registry).build()) {
 *     Engine engine = host.load(wasmBytes);
 *     ProcessResult r = engine.newProcess().start(Value.i32(17), Value.i32(23)).await();
 * }
 * }</pre>
 */
public final class Host implements AutoCloseable {
    /**
     * Names the host's own changes to a module before it is compiled (today: the start section
     * removed); part of the code cache's key, so change it whenever a rewrite's output changes.
     */
    static final String REWRITES = "without-start/1";

    /** What this host's loads do to a module before compiling it: the code cache's key names it. */
    private String rewrites() {
        return rewrites(functionSplitting && mode == ExecutionMode.COMPILED, fuelMetering);
    }

    /** {@link #REWRITES}, and the splitter's version when functions are split. */
    static String rewrites(boolean splitting) {
        return rewrites(splitting, false);
    }

    /** {@link #REWRITES}, the fuel meter's version when metering and the splitter's when splitting. */
    static String rewrites(boolean splitting, boolean metering) {
        String r = metering ? REWRITES + "+fuel/" + FuelMeter.VERSION : REWRITES;
        return splitting ? r + "+split/" + FunctionSplitter.VERSION : r;
    }

    /** How every engine of this host runs. */
    private final ExecutionMode mode;
    /** Whether compiled engines have functions too large for the JIT split at load. */
    private final boolean functionSplitting;
    /** Whether engines are rewritten at load to count their fuel (host/README.md "Fuel"). */
    private final boolean fuelMetering;
    /** The import table every engine of this host is checked against and given. */
    private final Vdso vdso;
    /** The hooks processes may be granted; empty unless {@link Builder#withHooks} gave some. */
    private final HookTable hooks;
    /** Told why a hook threw; the engine sees only {@code INTERNAL}. */
    private final HookFailureListener hookFailureListener;
    /** Limits for {@link Engine#newProcess()}. */
    private final Limits defaultLimits;
    /** No process commits more than this many bytes, whatever its limits say; positive. */
    private final long commitCeiling;
    /**
     * Every process's budget is a child of this one, and snapshots' frozen pages stay charged
     * to it: the bytes committed by all of them together never exceed its limit.
     */
    private final MemoryBudget memoryBudget;
    /** The largest module {@link #load} and {@link #inspect} accept, in bytes; positive. */
    private final long maxModuleBytes;
    /** The meters; backed by the user's registry or by nothing. */
    private final Metrics metrics;
    /** Loaded engines by the SHA-256 of their bytes, bounded (see {@link Builder#withEngineCache}); an entry is never replaced. */
    private final EngineCache<Engine> engines;
    /**
     * Processes started and not yet ended. Sized for many at once: an insert locks its hash bin,
     * and with the default 16 bins, caller threads serving requests met in the same bins.
     */
    private final Set<EngineProcess> liveProcesses = ConcurrentHashMap.newKeySet(1024);
    /**
     * Set once by {@link #close}, before it kills anything: no process starts after. A start
     * adds itself to {@link #liveProcesses} and then reads this; close sets it and then reads
     * the set: whichever comes second sees the other, with no lock on the path every start takes.
     */
    private volatile boolean closing;
    /** Makes each process's engine thread; a seam for tests. */
    private final EngineThreads engineThreads;
    /** Runs engines instead of a thread per process when the user gave one; null otherwise. See {@link Builder#withEngineExecutor}. */
    private final java.util.concurrent.Executor engineExecutor;
    /** Bounds running and waiting processes; null when unbounded. See {@link Builder#withMaxConcurrentProcesses}. */
    private final Admission admission;
    /** The stack every caller of a synchronous run has, as its user states it; 0 when unstated. */
    private final long callerStackBytes;
    /** The most idle ready instances each snapshot keeps; 0 turns pooling off. */
    private final int instancePoolSize;
    /** Memories of processes that are running; each leaves when its process ends. */
    private final Set<ProcessMemory> liveMemories = ConcurrentHashMap.newKeySet();
    /** Compiled code kept between runs, or null to compile on every load; see {@link Builder#withCodeCache}. */
    private final CodeStore codeStore;
    /** Fires deadlines and re-interrupts killed threads; it never runs engine code. See {@link #deadlineTimer}. */
    private final ScheduledExecutorService scheduler;

    private Host(Builder b) {
        this.mode = b.mode;
        this.functionSplitting = b.functionSplitting;
        this.fuelMetering = b.fuelMetering;
        this.vdso = b.effectiveVdso();
        this.hooks = b.hooks;
        this.hookFailureListener = b.hookFailureListener;
        this.defaultLimits = b.defaultLimits;
        this.commitCeiling = b.commitCeiling;
        this.memoryBudget = MemoryBudget.of(b.memoryBudget);
        this.maxModuleBytes = b.maxModuleBytes;
        this.metrics = new Metrics(b.registry,
                () -> liveMemories.stream().mapToLong(ProcessMemory::committedBytes).sum());
        java.util.Optional<Boolean> hugeMethods = JvmFlags.compilesHugeMethods();
        this.metrics.hugeMethodsCompiled(hugeMethods);
        if (mode == ExecutionMode.COMPILED) {
            JvmFlags.adviseOnce(hugeMethods);
        }
        this.codeStore = b.codeCache == null ? null : b.codeCache.open(System.getLogger(Host.class.getName())).orElse(null);
        this.scheduler = deadlineTimer();
        this.engineThreads = b.engineThreads;
        this.engineExecutor = b.engineExecutor;
        this.admission = b.maxRunning == Integer.MAX_VALUE ? null : new Admission(b.maxRunning, b.maxQueued);
        this.callerStackBytes = b.callerStackBytes;
        this.instancePoolSize = b.instancePoolSize;
        this.engines = new EngineCache<>(b.maxCachedEngines, b.maxCachedEngineBytes, Engine::weightBytes);
    }

    /**
     * The deadline timer: one daemon thread that only interrupts (it never runs engine code), at
     * the highest Java priority (honoured by the OS where it can be; Linux ignores it unless the
     * JVM runs with {@code -XX:ThreadPriorityPolicy=1} as root). A cancelled deadline leaves the
     * queue at once: a host that runs many short processes with long deadlines would otherwise
     * hold every one of them until its delay ran out.
     */
    private static ScheduledThreadPoolExecutor deadlineTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hermetic-deadlines");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return timer;
    }

    /** Deadlines and re-interrupts waiting in the timer's queue; cancelled ones leave it at once. */
    int pendingTimerTasks() {
        return ((ScheduledThreadPoolExecutor) scheduler).getQueue().size();
    }

    /** Makes an engine thread, not started; package-private so tests can make it fail. */
    @FunctionalInterface
    interface EngineThreads {
        Thread newThread(Runnable body, String name, long stackBytes);

        EngineThreads DAEMONS = (body, name, stackBytes) -> {
            Thread t = new Thread(null, body, name, stackBytes);
            t.setDaemon(true);
            return t;
        };
    }

    Thread newEngineThread(Runnable body, String name, long stackBytes) {
        return engineThreads.newThread(body, name, stackBytes);
    }

    /**
     * Runs {@code body}, a process's whole life, on the user's executor or on a new engine
     * thread of {@code stackBytes}.
     *
     * @throws RuntimeException or Error if no thread can be had (the executor refuses, no
     *     native thread is left): the body did not run
     */
    void dispatch(Runnable body, String name, long stackBytes) {
        if (engineExecutor != null) {
            engineExecutor.execute(body);
        } else {
            newEngineThread(body, name, stackBytes).start();
        }
    }

    /** The admission bound, or null when processes are not bounded. */
    Admission admission() {
        return admission;
    }

    /**
     * Whether a synchronous run under {@code limits} executes on its caller's thread: only when
     * the user stated ({@link Builder#withCallerStackBytes}) that callers' stacks are at least
     * as large as the process's {@link Limits#stackBytes()}. Java cannot measure a thread's
     * stack, so the host never guesses: unstated, every run gets an engine thread.
     */
    boolean runsOnCaller(Limits limits) {
        return callerStackBytes >= limits.stackBytes();
    }

    /** The most idle ready instances a snapshot keeps for its next spawns. */
    int instancePoolSize() {
        return instancePoolSize;
    }

    /** Processes holding an admission slot and waiting for one; both 0 when unbounded. For tests and meters. */
    int[] admissionCounts() {
        return admission == null ? new int[] {0, 0} : new int[] {admission.running(), admission.queued()};
    }

    public static Builder builder() {
        return new Builder();
    }

    public ExecutionMode mode() {
        return mode;
    }

    public Vdso vdso() {
        return vdso;
    }

    public Limits defaultLimits() {
        return defaultLimits;
    }

    /**
     * The host-wide budget every process's commits and table elements draw from, as do the
     * frozen pages of snapshots. A caller may make its own VMOs charge it too
     * ({@code Vmo.builder(n).withBudget(host.memoryBudget())}).
     */
    public MemoryBudget memoryBudget() {
        return memoryBudget;
    }

    /** The largest module this host loads or inspects, in bytes. */
    public long maxModuleBytes() {
        return maxModuleBytes;
    }

    /** Loads an engine named after its hash. */
    public Engine load(byte[] wasm) {
        return load(null, wasm);
    }

    /**
     * Parses, checks and compiles {@code wasm}, or returns the engine already loaded from the
     * same bytes. An engine's name is fixed by its first load: loading the same bytes under a
     * different name throws {@link EngineNameException} (a null name accepts any).
     *
     * @param name a short name for metrics and thread names (keep the set of names small), or
     *     null to name it after its hash
     * @throws EngineFormatException if the bytes are not a valid module
     * @throws EngineRefusedException if the module is not an acceptable engine, is larger
     *     than {@link #maxModuleBytes()}, or uses a WebAssembly feature this host's execution
     *     mode does not run
     * @throws EngineNameException if the same bytes are loaded already under another name
     */
    public Engine load(String name, byte[] wasm) {
        checkSize(wasm);
        String sha256 = sha256(wasm);
        Engine cached = engines.get(sha256);
        if (cached != null) {
            metrics.engineCache(true);
            return requireName(cached, name);
        }
        metrics.engineCache(false);
        CodeCompiler.Stored stored = CodeCompiler.find(mode == ExecutionMode.COMPILED ? codeStore : null, sha256, rewrites());
        Split kept = Split.decode(stored.rewritten());
        Engine engine = kept == null ? null : build(name, wasm, sha256, stored, kept);
        if (engine == null) {
            // No module kept, or its bodies are stubs and the stored classes did not load: the whole module.
            engine = build(name, wasm, sha256, stored, null);
        }
        Engine raced = engines.putIfAbsent(sha256, engine);
        return raced != null ? requireName(raced, name) : engine;
    }

    /**
     * The engine from {@code wasm}: from the module kept beside a stored compilation when
     * {@code kept} is given (null if its bodies are stubs and the stored classes do not load),
     * else gated, parsed, metered, split and compiled (or loaded from the store) afresh.
     */
    private Engine build(String name, byte[] wasm, String sha256, CodeCompiler.Stored stored, Split kept) {
        WasmModule module;
        EngineInfo info;
        Split split;
        java.util.function.Supplier<byte[]> metered;
        if (kept != null) {
            // A hit with the rewritten module beside it: one parse, no gate, no rewriting. The
            // metered bytes alone (for a metered portable module) are made again, if asked for.
            module = parse(kept.wasm(), false);
            info = check(module);
            split = kept;
            if (!info.valid()) {
                throw new EngineRefusedException(info.problems());
            }
            metered = fuelMetering ? memoized(() -> meter(wasm)) : null;
        } else {
            module = parse(gate(wasm), !stored.authentic());
            info = check(module);
            if (!info.valid()) {
                throw new EngineRefusedException(info.problems());
            }
            // Metered before splitting: both modes then count the same instructions.
            byte[] runnable = meter(wasm);
            metered = runnable == wasm ? null : () -> runnable;
            split = split(runnable);
            if (split.wasm() != wasm) {
                try {
                    module = parse(split.wasm(), !stored.authentic());
                } catch (EngineFormatException e) {
                    if (split.wasm() == runnable) {
                        throw new EngineRefusedException(List.of("the fuel-metered module does not parse: " + e.getMessage()));
                    }
                    split = unsplit(runnable, e);
                    module = parse(runnable, !stored.authentic());
                }
            }
        }
        info = info.withSplit(split.report());
        WasmModule instanceModule;
        Function<Instance, Machine> machines;
        try {
            instanceModule = Engine.withoutStart(module);
            machines = mode == ExecutionMode.COMPILED
                    ? stored.compile(instanceModule, metrics::codeCache, kept == null || !kept.bodiesStubbed())
                    : InterpreterMachine::new;
            if (machines == null) {
                return null;
            }
            if (kept == null && mode == ExecutionMode.COMPILED) {
                // A later load parses the kept module; with every function stored compiled it needs no bodies.
                stored.keepRewritten((stored.interpretsNothing() ? split.withBodiesStubbed() : split).encode());
            }
        } catch (RuntimeException | AssertionError e) {
            throw new EngineFormatException("cannot compile the module: " + e, e);
        }
        metrics.functionsSplit(name != null ? name : "engine-" + sha256.substring(0, 12), split.report());
        return new Engine(this, module, instanceModule, wasm.clone(), metered, sha256,
                name != null ? name : "engine-" + sha256.substring(0, 12), machines, MemoryImage.build(module), info);
    }

    /** A cached engine keeps its first name: loading the same bytes under another name is refused, not ignored. */
    private static Engine requireName(Engine cached, String name) {
        if (name != null && !name.equals(cached.name())) {
            throw new EngineNameException("these bytes are loaded already as " + cached.name() + ", not " + name
                    + " (unload it first to rename)");
        }
        return cached;
    }

    /**
     * Closes {@code engine} ({@link Engine#close}): it leaves the cache and starts no new
     * process, clone or snapshot; processes already running finish.
     */
    public void unload(Engine engine) {
        engine.close();
    }

    /** An engine closed: a later load of its bytes compiles it again. */
    void forget(Engine engine) {
        engines.remove(engine.sha256(), engine);
    }

    /** Engines in the cache now. */
    int cachedEngines() {
        return engines.size();
    }

    /**
     * Lists a module's imports and exports and says whether it is an acceptable engine for this
     * host's vDSO, and why not.
     *
     * @throws EngineFormatException if the bytes are not a valid module
     * @throws EngineRefusedException if the module is larger than {@link #maxModuleBytes()}
     *     or uses a WebAssembly feature this host's execution mode does not run
     */
    public EngineInfo inspect(byte[] wasm) {
        checkSize(wasm);
        return check(parse(gate(wasm), true)).withSplit(split(meter(wasm)).report());
    }

    private void checkSize(byte[] wasm) {
        Objects.requireNonNull(wasm, "wasm");
        if (wasm.length > maxModuleBytes) {
            throw new EngineRefusedException(List.of("the module is " + wasm.length
                    + " bytes, over this host's maximum module size of " + maxModuleBytes + " bytes"));
        }
    }

    /**
     * Checks every size and count of {@code wasm} against its bytes before Chicory's parser,
     * which allocates what a count asks for, sees it, and refuses a module that uses a
     * WebAssembly feature this host's mode does not run; returns {@code wasm}.
     */
    private byte[] gate(byte[] wasm) {
        ModuleFeatures features;
        try {
            features = ModuleGate.check(wasm, CodeDecoder.DEFAULT_MAX_LOCALS);
        } catch (MalformedModuleException e) {
            throw new EngineFormatException(e.getMessage(), e);
        }
        List<String> refusals = RuntimeSupport.refusals(features, mode);
        if (!refusals.isEmpty()) {
            throw new EngineRefusedException(refusals);
        }
        return wasm;
    }

    /**
     * {@code wasm} (valid, checked) rewritten to count its fuel, or {@code wasm} itself when this
     * host does not meter. A module the meter cannot handle is refused: it would run unbounded.
     */
    private byte[] meter(byte[] wasm) {
        if (!fuelMetering) {
            return wasm;
        }
        try {
            return FuelMeter.meter(wasm).wasm();
        } catch (RuntimeException e) {
            throw new EngineRefusedException(List.of("the module cannot be fuel-metered: " + e.getMessage()));
        }
    }

    /** {@code make}'s value, made on the first call only. */
    private static java.util.function.Supplier<byte[]> memoized(java.util.function.Supplier<byte[]> make) {
        return new java.util.function.Supplier<>() {
            private byte[] made;

            @Override
            public synchronized byte[] get() {
                if (made == null) {
                    made = make.get();
                }
                return made;
            }
        };
    }

    /** Whether this host's engines count their fuel. */
    public boolean fuelMetering() {
        return fuelMetering;
    }

    /**
     * What splitting did to a module.
     *
     * @param wasm the split module's bytes; the very array given when nothing was split
     * @param report what was split
     * @param bodiesStubbed every function body in {@code wasm} is a stub: only stored compiled code can run it
     */
    record Split(byte[] wasm, SplitReport report, boolean bodiesStubbed) {
        Split(byte[] wasm, SplitReport report) {
            this(wasm, report, false);
        }

        /** This split with its function bodies stubs ({@link StubbedCode}): for a load whose every function is stored compiled. */
        Split withBodiesStubbed() {
            return new Split(StubbedCode.of(wasm), report, true);
        }

        /** The bytes the code cache keeps beside a compilation: the module compiled and the report. */
        byte[] encode() {
            var bytes = new java.io.ByteArrayOutputStream(wasm.length + 256);
            try (var out = new java.io.DataOutputStream(bytes)) {
                out.writeInt(wasm.length);
                out.write(wasm);
                writeNullable(out, report.problem());
                out.writeInt(report.functions().size());
                for (SplitReport.Split f : report.functions()) {
                    out.writeInt(f.index());
                    out.writeUTF(f.name());
                    out.writeInt(f.estimatedBytesBefore());
                    out.writeInt(f.estimatedBytesAfter());
                    out.writeInt(f.pieces());
                    writeNullable(out, f.problem());
                }
                out.writeBoolean(bodiesStubbed);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /**
         * What {@link #encode} wrote, or null for null or for bytes it did not write (an entry
         * of another layout under the same key: it is rewritten from scratch, and replaced).
         */
        static Split decode(byte[] kept) {
            if (kept == null) {
                return null;
            }
            try (var in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(kept))) {
                int length = in.readInt();
                if (length < 8 || length > kept.length) {
                    return null;
                }
                byte[] wasm = in.readNBytes(length);
                String problem = readNullable(in);
                int n = in.readInt();
                if (n < 0 || n > kept.length) {
                    return null;
                }
                List<SplitReport.Split> functions = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    functions.add(new SplitReport.Split(in.readInt(), in.readUTF(), in.readInt(), in.readInt(), in.readInt(),
                            readNullable(in)));
                }
                boolean stubbed = in.readBoolean();
                return in.read() == -1 ? new Split(wasm, new SplitReport(functions, problem), stubbed) : null;
            } catch (java.io.IOException e) {
                return null;
            }
        }

        private static void writeNullable(java.io.DataOutputStream out, String s) throws java.io.IOException {
            out.writeBoolean(s != null);
            if (s != null) {
                out.writeUTF(s);
            }
        }

        private static String readNullable(java.io.DataInputStream in) throws java.io.IOException {
            return in.readBoolean() ? in.readUTF() : null;
        }
    }

    /**
     * {@code wasm} (valid) with the functions too large for the JVM's JIT split, when this host
     * compiles and splits. A splitter failure leaves the module as it is, said in the report.
     */
    private Split split(byte[] wasm) {
        if (!functionSplitting || mode != ExecutionMode.COMPILED) {
            return new Split(wasm, SplitReport.NONE);
        }
        FunctionSplitter.Result r;
        try {
            r = FunctionSplitter.split(wasm);
        } catch (RuntimeException | StackOverflowError e) {
            return unsplit(wasm, e);
        }
        List<SplitReport.Split> functions = r.splits().stream()
                .map(s -> new SplitReport.Split(s.function(), s.name(), s.estimateBefore(), s.estimateAfter(), s.pieces(),
                        s.problem()))
                .toList();
        return new Split(r.wasm(), new SplitReport(functions, r.problem()));
    }

    private static Split unsplit(byte[] wasm, Throwable e) {
        System.getLogger(Host.class.getName()).log(System.Logger.Level.WARNING,
                "splitting the module's large functions failed; it runs unsplit", e);
        return new Split(wasm, new SplitReport(List.of(), "splitting failed: " + e));
    }

    /** Chicory parses lazily: an index out of range shows only when the checker follows it. */
    private EngineInfo check(WasmModule module) {
        try {
            return EngineChecker.inspect(module, vdso);
        } catch (RuntimeException | AssertionError e) {
            throw new EngineFormatException("not a valid WebAssembly module: " + e, e);
        }
    }

    /** @param validate false only for bytes an authentic code cache entry shows were validated before */
    private static WasmModule parse(byte[] wasm, boolean validate) {
        Objects.requireNonNull(wasm, "wasm");
        try {
            return Parser.builder().withValidation(validate).build().parse(() -> new ByteArrayInputStream(wasm));
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            // Chicory's parser asserts some invariants of malformed code: with -ea that is an AssertionError.
            throw new EngineFormatException("not a valid WebAssembly module: " + e, e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The hooks processes of this host may be granted. */
    public HookTable hooks() {
        return hooks;
    }

    /**
     * A hook gate for one process: its grants, its hook limits, its own c-list; hook outcomes
     * are counted per granted hook.
     *
     * @throws UnknownHookException if a granted name is not in the host's hook table
     */
    HookGate newHookGate(String processId, Engine engine, Limits limits, Set<String> grants) {
        try {
            return hookGateBuilder(processId, engine, limits, grants).build();
        } catch (HookException e) {
            // The hooks module does not know the host's exception root: its refusal is wrapped here, at the boundary.
            throw new UnknownHookException(e.getMessage(), e);
        }
    }

    private HookGate.Builder hookGateBuilder(String processId, Engine engine, Limits limits, Set<String> grants) {
        return HookGate.builder(hooks, new HookCaller(processId, engine.name()))
                .withGrants(grants.toArray(String[]::new))
                .withMaxCalls(limits.maxHookCalls())
                .withMaxArgumentBytes(limits.maxHookArgumentBytes())
                .withMaxResultBytes(limits.maxHookResultBytes())
                .withFailureListener(hookFailureListener)
                .withCallObserver((hook, result) -> metrics.hookCall(engine.name(), hook, result));
    }

    Metrics metrics() {
        return metrics;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * A memory for one process of {@code engine}, counted as live until released: a fresh one
     * from the engine's image when {@code origin} is null, otherwise a clone of {@code origin}'s
     * frozen pages.
     */
    ProcessMemory newMemory(Engine engine, Snapshot origin, Limits limits) {
        ProcessMemory memory = origin == null
                ? ProcessMemory.fresh(engine.image(), limits, processBudget(limits), liveMemories::remove)
                : ProcessMemory.cloneOf(origin.memory(), limits, processBudget(limits), liveMemories::remove);
        liveMemories.add(memory);
        return memory;
    }

    /** A ready instance's memory taken by a new process: counted as live again until released or recycled. */
    void adopt(ProcessMemory memory) {
        liveMemories.add(memory);
    }

    /** A fresh budget for one process under {@code limits}. */
    MemoryBudget newProcessBudget(Limits limits) {
        return processBudget(limits);
    }

    /** A process's own budget: its limit capped by the ceiling, every byte also drawn from the host's. */
    private MemoryBudget processBudget(Limits limits) {
        return memoryBudget.child(Math.min(limits.maxCommittedBytes(), commitCeiling));
    }

    /** Counts {@code process} as live. @throws ProcessStateException once the host is closing */
    void started(EngineProcess process) {
        liveProcesses.add(process);
        if (closing) {
            liveProcesses.remove(process);
            throw new ProcessStateException("the host is closed");
        }
    }

    void ended(EngineProcess process) {
        liveProcesses.remove(process);
    }

    /**
     * Stops accepting processes (a later start throws {@link ProcessStateException}), kills every
     * process still running, waits for their ends, and stops the deadline timer.
     */
    @Override
    public void close() {
        closing = true;
        List<EngineProcess> running = List.copyOf(liveProcesses);
        running.forEach(EngineProcess::kill);
        running.forEach(EngineProcess::close);
        scheduler.shutdownNow();
    }

    /** How many engines the cache holds unless {@link Builder#withEngineCache} says otherwise. */
    public static final int DEFAULT_MAX_CACHED_ENGINES = 256;

    /** Ready instances a snapshot keeps unless {@link Builder#withInstancePool} says otherwise. */
    public static final int DEFAULT_INSTANCE_POOL_SIZE = 16;

    /** Builds a {@link Host}. */
    public static final class Builder {
        /** The default of {@link #withMaxModuleBytes}: 64 MiB. */
        public static final long DEFAULT_MAX_MODULE_BYTES = 64L << 20;

        private MeterRegistry registry;
        private ExecutionMode mode = ExecutionMode.COMPILED;
        private boolean functionSplitting = true;
        private boolean fuelMetering = false;
        /** Null until {@link #withVdso}: then the vDSO follows from whether hooks were given. */
        private Vdso vdso;
        private HookTable hooks = HookTable.builder().build();
        private boolean hooksGiven;
        private HookFailureListener hookFailureListener = HookFailureListener.logging();
        private Limits defaultLimits = Limits.defaults();
        private long commitCeiling = Runtime.getRuntime().maxMemory() / 2;
        private long memoryBudget = defaultMemoryBudget();
        private long maxModuleBytes = DEFAULT_MAX_MODULE_BYTES;
        private EngineThreads engineThreads = EngineThreads.DAEMONS;
        private int maxCachedEngines = DEFAULT_MAX_CACHED_ENGINES;
        private long maxCachedEngineBytes = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);
        private CodeCache codeCache;
        private java.util.concurrent.Executor engineExecutor;
        private int maxRunning = Integer.MAX_VALUE;
        private int maxQueued;
        private long callerStackBytes;
        private int instancePoolSize = DEFAULT_INSTANCE_POOL_SIZE;

        private Builder() {}

        /**
         * Engines run on threads made by {@code factory}, one per process, instead of the
         * host's own daemon threads. The factory decides the stack size: recursion in an engine
         * is bounded by it rather than by {@link Limits#stackBytes()} (a deep recursion still
         * ends as {@link TrapKind#STACK_EXHAUSTED}, however small the stack). The factory is
         * called once per process, on the thread that starts it. Replaces
         * {@link #withEngineExecutor}.
         */
        public Builder withEngineThreadFactory(java.util.concurrent.ThreadFactory factory) {
            Objects.requireNonNull(factory, "factory");
            this.engineExecutor = null;
            this.engineThreads = (body, name, stackBytes) -> factory.newThread(body);
            return this;
        }

        /**
         * Engines run as tasks of {@code executor}, each process's whole life one task, instead
         * of on a thread per process: a server sizes and names its engine threads, and reuses
         * them. The executor's threads decide the stack (see {@link #withEngineThreadFactory}).
         * A killed engine's interrupt is cleared before its task returns, so a pooled thread
         * goes back clean. If the executor refuses a task, that process ends as
         * {@link ProcessResult.Failed}. The host does not shut the executor down. Default: none,
         * a new daemon thread of {@link Limits#stackBytes()} per process.
         */
        public Builder withEngineExecutor(java.util.concurrent.Executor executor) {
            this.engineExecutor = Objects.requireNonNull(executor, "executor");
            this.engineThreads = EngineThreads.DAEMONS;
            return this;
        }

        /**
         * Admission control: at most {@code maxRunning} processes run at once (a synchronous run
         * on its caller's thread and a {@link WarmProcess} each hold a slot too), at most
         * {@code maxQueued} more wait for a slot in arrival order, and any beyond are refused
         * with {@link HostBusyException}. A started process that waits is alive, and its
         * deadline runs from its start, wait included, so every caller hears back within its
         * deadline however loaded the host is; a synchronous run blocks its caller while it
         * waits (back-pressure). Default: unbounded.
         */
        public Builder withMaxConcurrentProcesses(int maxRunning, int maxQueued) {
            if (maxRunning < 1 || maxQueued < 0) {
                throw new IllegalArgumentException("need maxRunning >= 1 and maxQueued >= 0: " + maxRunning + ", " + maxQueued);
            }
            this.maxRunning = maxRunning;
            this.maxQueued = maxQueued;
            return this;
        }

        /**
         * States that every thread calling a synchronous run ({@link EngineProcess#run},
         * {@link Engine#filter}, {@link Snapshot#filter}) has a stack of at least {@code bytes}.
         * A run whose {@link Limits#stackBytes()} is no more than that executes on the caller's
         * thread, with no hand-off; any other run gets an engine thread while the caller waits.
         * Java cannot read a thread's stack size, so this is the caller's promise: a server
         * makes its request threads with {@code new Thread(group, task, name, bytes)} (honoured
         * on Linux, macOS and Windows) and states {@code bytes} here. Even a broken promise
         * stays safe, only shallower: a recursion past the real stack ends as
         * {@link TrapKind#STACK_EXHAUSTED}. Default 0: every run gets an engine thread.
         */
        public Builder withCallerStackBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("stack size must not be negative: " + bytes);
            }
            this.callerStackBytes = bytes;
            return this;
        }

        /**
         * How many ready instances each {@link Snapshot} keeps for its next spawns (Wasmtime's
         * pooling allocator, with copy-on-write reset): when a clone ends, its instance is reset
         * to the snapshot (memory re-pointed to fresh copy-on-write children of the frozen
         * pages, globals and tables rewritten, hooks rebound) and kept, so a later spawn under
         * equal limits builds nothing. Default {@value #DEFAULT_INSTANCE_POOL_SIZE}; 0 builds
         * every clone afresh. See {@link Snapshot} for which instances are never reused.
         */
        public Builder withInstancePool(int perSnapshot) {
            if (perSnapshot < 0) {
                throw new IllegalArgumentException("pool size must not be negative: " + perSnapshot);
            }
            this.instancePoolSize = perSnapshot;
            return this;
        }

        /** How engine threads are made; tests make it fail. */
        Builder withEngineThreads(EngineThreads engineThreads) {
            this.engineThreads = Objects.requireNonNull(engineThreads);
            return this;
        }

        /** Where the host's meters go; none by default. */
        public Builder withMeterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        public Builder withExecutionMode(ExecutionMode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /**
         * Whether to split, at load, the functions whose compiled JVM methods would be too large
         * for HotSpot's JIT (see {@link SplitReport}); on by default, used only in
         * {@link ExecutionMode#COMPILED}. Off, such functions run in the JVM's bytecode
         * interpreter unless the JVM runs with {@code -XX:-DontCompileHugeMethods}.
         */
        public Builder withFunctionSplitting(boolean split) {
            this.functionSplitting = split;
            return this;
        }

        /**
         * Whether engines are rewritten at load to count their fuel, deterministically (host/README.md
         * "Fuel"): off by default, because the count costs compute (in one run, metered engines kept
         * 0.33-0.95 of their unmetered throughput: lua 0.33, sqlite 0.54, json 0.95). Off,
         * {@link Limits#fuel()} budgets are refused and measurements report -1 fuel. The CLI meters.
         */
        public Builder withFuelMetering(boolean meter) {
            this.fuelMetering = meter;
            return this;
        }

        /**
         * The vDSO engines are checked against and given. Unset, it is {@link Vdso#WITH_HOOKS}
         * when {@link #withHooks} was called and {@link Vdso#EXIT_ONLY} otherwise, in whichever
         * order the two are called; {@link #build} refuses {@code EXIT_ONLY} together with hooks.
         */
        public Builder withVdso(Vdso vdso) {
            this.vdso = Objects.requireNonNull(vdso);
            return this;
        }

        /**
         * The hooks processes may be granted ({@link Engine#newProcess(Limits, String...)}); the
         * vDSO is then {@link Vdso#WITH_HOOKS} unless {@link #withVdso} says otherwise.
         */
        public Builder withHooks(HookTable hooks) {
            this.hooks = Objects.requireNonNull(hooks);
            this.hooksGiven = true;
            return this;
        }

        /** The vDSO the host will have. @throws IllegalArgumentException for hooks without hook calls */
        private Vdso effectiveVdso() {
            Vdso effective = vdso != null ? vdso : hooksGiven ? Vdso.WITH_HOOKS : Vdso.EXIT_ONLY;
            if (hooksGiven && effective == Vdso.EXIT_ONLY) {
                throw new IllegalArgumentException("withHooks needs the vDSO with hook calls, but withVdso(EXIT_ONLY) was set");
            }
            return effective;
        }

        /** Told the cause whenever a hook throws; by default it is logged at WARNING. */
        public Builder withHookFailureListener(HookFailureListener listener) {
            this.hookFailureListener = Objects.requireNonNull(listener);
            return this;
        }

        public Builder withDefaultLimits(Limits limits) {
            this.defaultLimits = Objects.requireNonNull(limits);
            return this;
        }

        /**
         * The most bytes any one process may commit, whatever its limits say. Pages live on the
         * JVM heap, so the default is half the heap: an engine allowed more than the heap holds
         * ends as {@link KillReason#MEMORY_LIMIT} before it can starve the JVM.
         */
        public Builder withCommitCeiling(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("commit ceiling must be positive: " + bytes);
            }
            this.commitCeiling = bytes;
            return this;
        }

        /**
         * The most bytes all processes of the host may commit together (pages and table
         * elements, snapshots' frozen pages included). Pages live on the JVM heap, so the
         * default is {@link #DEFAULT_MEMORY_BUDGET_FRACTION} of the maximum heap. When it is
         * spent, a process whose page commit does not fit ends as {@link KillReason#MEMORY_LIMIT}
         * (a {@code table.grow} that does not fit returns -1) and the others go on. Keep it
         * below the heap, with room for the host's own objects.
         */
        public Builder withMemoryBudget(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("memory budget must be positive: " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** Half the heap: G1 keeps working with half the heap live, and the host's own objects fit beside. */
        public static final double DEFAULT_MEMORY_BUDGET_FRACTION = 0.5;

        private static long defaultMemoryBudget() {
            return (long) (Runtime.getRuntime().maxMemory() * DEFAULT_MEMORY_BUDGET_FRACTION);
        }

        /**
         * The largest module {@link Host#load} and {@link Host#inspect} accept; larger ones are
         * refused before they are read. Default {@value #DEFAULT_MAX_MODULE_BYTES} bytes (64 MiB,
         * a hundred times the largest bundled engine). Whatever the size, every count and
         * length inside a module is checked against its bytes before anything is allocated for
         * it, so a small module cannot ask for a large allocation.
         */
        public Builder withMaxModuleBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maximum module size must be positive: " + bytes);
            }
            this.maxModuleBytes = bytes;
            return this;
        }

        /**
         * Bounds the engine cache: at most {@code maxEngines} engines and {@code maxBytes} bytes
         * of them (an engine weighs its module's bytes plus its initial memory image's committed
         * bytes; its compiled code, which grows with the module, is not counted). The least
         * recently loaded engine leaves first; it keeps working for whoever holds it, and loading
         * its bytes again compiles it again. Defaults: {@value #DEFAULT_MAX_CACHED_ENGINES}
         * engines and a quarter of the JVM heap, at most 256 MiB. A host that loads modules from
         * its callers should keep the bounds small, or {@link Host#unload} what it is done with.
         */
        public Builder withEngineCache(int maxEngines, long maxBytes) {
            if (maxEngines < 1 || maxBytes < 1) {
                throw new IllegalArgumentException("engine cache bounds must be positive: " + maxEngines + ", " + maxBytes);
            }
            this.maxCachedEngines = maxEngines;
            this.maxCachedEngineBytes = maxBytes;
            return this;
        }

        /**
         * Keeps compiled engines in {@code cache}, so another host, in this JVM or a later one,
         * loads them without compiling. None by default: every load compiles, nothing is written.
         * A cache that is not private to this user is not used (logged once at WARNING).
         */
        public Builder withCodeCache(CodeCache cache) {
            this.codeCache = Objects.requireNonNull(cache);
            return this;
        }

        public Host build() {
            return new Host(this);
        }
    }
}
