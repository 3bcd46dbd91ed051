package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.hooks.CList;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.host.abi.Abi;
import dev.hermetic.host.internal.InstanceState;
import dev.hermetic.host.internal.KillSwitch;
import dev.hermetic.host.internal.MemorySnapshot;
import dev.hermetic.host.internal.PortableModule;
import dev.hermetic.host.internal.VdsoImports;
import dev.hermetic.host.internal.wasm.MalformedModuleException;
import dev.hermetic.vmo.Vmo;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A warm process frozen for cloning: the zygote. Its memory is a set of copy-on-write VMO
 * children that nothing writes; each {@link #spawn} maps children of those into a new address
 * space, builds an instance of the engine's compiled code with the warm globals and tables,
 * and returns a process ready for {@code engine_start}. Clones share pages until they write
 * them and are isolated from each other and from the snapshot. Thread-safe: spawn from any
 * thread. Close it when no more clones will be spawned; running clones keep their pages, and
 * the pooled instances are released.
 *
 * <p>Pooling: the snapshot keeps up to {@link Host.Builder#withInstancePool} ready instances.
 * When a clone ends, its instance is reset to the snapshot (memory re-pointed
 * to fresh copy-on-write children of the frozen pages, globals and tables rewritten, hooks
 * rebound) and a later spawn under equal {@link Limits} takes it instead of building one. An
 * instance whose state cannot be fully put back, or whose run may have left host-side state
 * half-changed, is released instead, never reused.
 *
 * <pre>{@code
 * try (Snapshot zygote = engine.snapshot()) {          // runs engine_init once
 *     ProcessResult r = zygote.spawn().start(input, output).await();
 * }
 * }</pre>
 */
public final class Snapshot implements AutoCloseable {
    /** The engine the warm process ran; clones run its compiled code. */
    private final Engine engine;
    /** Globals, tables and dropped segments of the warm instance. */
    private final InstanceState state;
    /** The frozen linear memory; closed with the snapshot. */
    private final MemorySnapshot memory;
    /** The krefs the warm process held, in the order it was given them; every clone gets the same references. */
    private final List<String> krefs;
    /** Each VMO a warm-up span mapped, to the frozen copy-on-write clone of the range it mapped. */
    private final Map<Vmo, Vmo> clonedVmos;
    /**
     * Bit 0: set once by {@link #close}, no spawn after it. The rest: twice the holders of the
     * frozen pages, clones spawned whose memory is not made yet and resets in progress; the
     * pages stay open until there are none, even after close. One atomic word, not a monitor:
     * every spawn and every end passes here, from every serving thread at once.
     */
    private final java.util.concurrent.atomic.AtomicInteger holds = new java.util.concurrent.atomic.AtomicInteger();
    /** Set when the frozen pages are closed, so they are closed once. */
    private final java.util.concurrent.atomic.AtomicBoolean memoryClosed = new java.util.concurrent.atomic.AtomicBoolean();
    /** Idle ready instances by the limits they were built under; a spawn takes one of equal limits. */
    private final java.util.concurrent.ConcurrentHashMap<Limits, java.util.concurrent.ConcurrentLinkedQueue<Ready>> ready =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Ready instances idle or being reset; at most the host's pool size. */
    private final java.util.concurrent.atomic.AtomicInteger pooled = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether instances may be reused at all: not when the module has exception tags (see {@link #recycle}). */
    private final boolean poolable;
    /** Fuel the warm process consumed, {@code _initialize} and the warm-up; -1 when not metered. */
    private final long warmupFuel;

    private Snapshot(Engine engine, InstanceState state, MemorySnapshot memory,
            List<String> krefs, Map<Vmo, Vmo> clonedVmos, long warmupFuel) {
        this.engine = engine;
        this.warmupFuel = warmupFuel;
        this.state = state;
        this.memory = memory;
        this.krefs = krefs;
        this.clonedVmos = clonedVmos;
        // Chicory keeps thrown exceptions in a per-instance table that nothing can clear:
        // an instance of a module with tags is never fully reset, so it is never reused.
        this.poolable = engine.host().instancePoolSize() > 0 && engine.module().tagSection().isEmpty();
    }

    /**
     * A clone's instance kept for reuse: its memory, the binding its hook imports read, and the
     * limits it was built under (its memory's page cap and its budget follow from them). Owned
     * by one process at a time, or idle in the pool.
     */
    static final class Ready {
        private final Instance instance;
        private final ProcessMemory memory;
        private final VdsoImports.Binding binding;
        private final Limits limits;

        Ready(Instance instance, ProcessMemory memory, VdsoImports.Binding binding, Limits limits) {
            this.instance = instance;
            this.memory = memory;
            this.binding = binding;
            this.limits = limits;
        }

        Instance instance() {
            return instance;
        }

        ProcessMemory memory() {
            return memory;
        }

        /** Points the instance's hook imports at the process that takes it. */
        void bind(HookGate gate, KillSwitch kill) {
            binding.bind(gate, kill);
        }
    }

    /** An idle ready instance built under {@code limits}, now owned by the caller; null if none. */
    Ready takeReady(Limits limits) {
        if (!poolable) {
            return null;
        }
        var queue = ready.get(limits);
        Ready r = queue == null ? null : queue.poll();
        if (r != null) {
            pooled.decrementAndGet();
        }
        return r;
    }

    /** Wraps a clone's freshly built instance so it can be recycled at its end; null if pooling is off. */
    Ready newReady(Instance instance, ProcessMemory memory, VdsoImports.Binding binding, Limits limits) {
        return poolable ? new Ready(instance, memory, binding, limits) : null;
    }

    /**
     * Puts a clone's instance back in the pool, reset to this snapshot, as Wasmtime's
     * {@code MemoryImageSlot::clear_and_remain_ready} does: its memory re-pointed to fresh
     * copy-on-write children of the frozen pages (nothing the run wrote survives; its growth
     * is unmapped), every global and table entry rewritten, its budget a fresh one, its hook
     * imports rebound by the next process. Called on the clone's thread after its end, with no
     * engine code running. Returns false when the instance must not be reused, and the caller
     * releases it: the pool is full or the snapshot closed; the run ended in a way that may have
     * left the instance's host-side state half-changed ({@link ProcessResult.Failed}, a
     * memory-limit kill, a stack overflow, an unclassified trap, or, in the interpreter, any
     * end but a return: its machine keeps a value stack across calls); or its state cannot be
     * put back (a table grew or a segment was dropped: {@link InstanceState#resetInto}).
     */
    boolean recycle(Ready r, ProcessResult end) {
        if (!reusableAfter(end)) {
            return false;
        }
        if (pooled.incrementAndGet() > engine.host().instancePoolSize()) {
            pooled.decrementAndGet();
            return false;
        }
        // Hold the frozen pages open while the reset makes children of them.
        if (!hold()) {
            pooled.decrementAndGet();
            return false;
        }
        boolean kept = false;
        try {
            if (state.resetInto(r.instance) && r.memory.recycle(memory, engine.host().newProcessBudget(r.limits))) {
                r.binding.bind(null, null);
                ready.computeIfAbsent(r.limits, l -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(r);
                kept = true;
                return true;
            }
            // resetInto refused before anything changed; a failed memory recycle has released the memory.
            return false;
        } finally {
            if (!kept) {
                pooled.decrementAndGet();
            }
            cloneBuilt();
        }
    }

    private boolean reusableAfter(ProcessResult end) {
        if (end instanceof ProcessResult.Returned) {
            return true;
        }
        if (engine.host().mode() == ExecutionMode.INTERPRETER) {
            return false;
        }
        if (end instanceof ProcessResult.Exited) {
            return true;
        }
        if (end instanceof ProcessResult.Trapped t) {
            return t.kind() != TrapKind.STACK_EXHAUSTED && t.kind() != TrapKind.OTHER;
        }
        if (end instanceof ProcessResult.Killed k) {
            return k.reason() == KillReason.DEADLINE || k.reason() == KillReason.BY_HOST;
        }
        return false;
    }

    /** Idle ready instances now; for tests. */
    int idleInstances() {
        return ready.values().stream().mapToInt(java.util.Collection::size).sum();
    }

    /** Releases every idle ready instance; called once the snapshot is closed. */
    private void drainPool() {
        for (var queue : ready.values()) {
            for (Ready r; (r = queue.poll()) != null; ) {
                pooled.decrementAndGet();
                r.memory.release();
            }
        }
    }

    /** Takes the snapshot on the warm process's thread, between the warm-up and the process's end. */
    static Snapshot take(Engine engine, Instance instance, ProcessMemory processMemory, HookGate gate, long fuelBudget) {
        InstanceState state = InstanceState.capture(instance);
        long warmupFuel = engine.metered() ? fuelBudget - engine.fuelLeft(instance) : -1;
        // Frozen pages live on the heap as long as the snapshot or a clone holds them: the host's budget counts them.
        MemorySnapshot frozen = processMemory.snapshot(engine.host().memoryBudget().child(Long.MAX_VALUE));
        Map<Vmo, Vmo> cloned = new IdentityHashMap<>();
        // Only a span of whole pages is one region of the caller's pages; partial pages are private copies.
        processMemory.spans().forEach((address, span) -> frozen.regions().stream()
                .filter(r -> span.pageOffset() == 0 && span.length() % Span.PAGE_SIZE == 0)
                .filter(r -> r.address() == Integer.toUnsignedLong(address))
                .findFirst()
                .ifPresent(r -> cloned.put(span.vmo(), r.vmo())));
        return new Snapshot(engine, state, frozen, gate.clist().krefs(), cloned, warmupFuel);
    }

    /**
     * The fuel the warm process consumed ({@code _initialize} and the warm-up), -1 when the host
     * does not meter. Clones do not pay it again: each starts with its own limits' budget, and
     * its measurements count only what it consumes itself.
     */
    public long warmupFuel() {
        return warmupFuel;
    }

    public Engine engine() {
        return engine;
    }

    /** A clone with the host's default limits, granted no hooks, not yet started. */
    public EngineProcess spawn() {
        return spawn(engine.host().defaultLimits());
    }

    /**
     * A clone with {@code limits}, granted the named hooks, not yet started. The references the
     * warm process was handed are in its c-list under the same names.
     *
     * @throws ProcessStateException if the snapshot is closed
     * @throws EngineClosedException if its engine is closed
     */
    public EngineProcess spawn(Limits limits, String... grantedHooks) {
        return spawn(limits, Set.of(grantedHooks), false);
    }

    /** As {@link #spawn(Limits, String...)}; {@code scoped}: the caller closes the clone in the frame that made it. */
    private EngineProcess spawn(Limits limits, Set<String> grantedHooks, boolean scoped) {
        engine.requireOpen();
        if (!hold()) {
            throw new ProcessStateException("the snapshot is closed");
        }
        try {
            return new EngineProcess(engine, limits, grantedHooks, this, scoped);
        } catch (RuntimeException e) {
            cloneBuilt();
            throw e;
        }
    }

    /** Runs a fresh clone as a filter on {@code input}; see {@link Engine#filter(byte[])}. */
    public FilterResult filter(byte[] input) throws InterruptedException {
        return filter(FilterRequest.of(input));
    }

    /**
     * Runs a fresh clone as a filter, as {@code request} says; see {@link Engine#filter(FilterRequest)}.
     *
     * @throws ProcessStateException if the snapshot is closed
     */
    public FilterResult filter(FilterRequest request) throws InterruptedException {
        Limits limits = request.limits().orElse(engine.host().defaultLimits());
        return Filters.run(request, (in, out) -> Filters.once(spawn(limits, Set.of(request.hooks()), true), in, out));
    }

    /**
     * The frozen clone of the range a warm-up span mapped of {@code original}, if one did and
     * the range was whole pages (a partial page is a private copy, not the caller's page).
     */
    public Optional<Vmo> clonedVmo(Vmo original) {
        return Optional.ofNullable(clonedVmos.get(original));
    }

    /** The memory's size in Wasm pages when it was frozen. */
    public int memoryPages() {
        return memory.pages();
    }

    /** Bytes of pages the snapshot holds; clones add only the pages they write. */
    public long committedBytes() {
        return memory.committedBytes();
    }

    /**
     * The warm instance as a standalone pre-initialized module, as Wizer writes one: the frozen
     * memory as data segments, globals' warm values as their initializers, tables as element
     * segments, no start function, and no {@code engine_init} or {@code _initialize} export.
     * Any Wasm runtime runs it; nothing needs to run before {@code engine_start}.
     */
    public byte[] toPortableModule() {
        return toPortableModule(false);
    }

    /**
     * As {@link #toPortableModule()}; {@code metered} writes the fuel-metered module instead (the
     * engine's code as this host runs it, before any splitting), its counter exported as
     * {@code hermetic_fuel} (a mutable i64) and starting at 2^63-1: a runtime without fuel of
     * its own sets the budget there before {@code engine_start} and reads what is left after,
     * counting exactly what Hermetic counts. Unmetered (the default) is the engine as loaded,
     * for runtimes with their own metering and for loading into a host again (which meters it).
     *
     * @throws IllegalStateException if {@code metered} and the host does not meter fuel
     */
    public byte[] toPortableModule(boolean metered) {
        if (metered && !engine.metered()) {
            throw new IllegalStateException("the host does not meter fuel: no metered module to write");
        }
        if (!hold()) {
            throw new ProcessStateException("the snapshot is closed");
        }
        InstanceState written = state;
        if (engine.metered()) {
            // The counter (and, with tail calls, a scratch global) come after the module's own globals.
            written = metered ? state.withGlobal(engine.fuelGlobal(), Long.MAX_VALUE) : state.withGlobals(engine.fuelGlobal());
        }
        try {
            return PortableModule.write(metered ? engine.meteredBytes() : engine.bytes(), written, memory.pages(),
                    memory.read(), Set.of(Abi.ENGINE_INIT, Abi.INITIALIZE));
        } catch (MalformedModuleException e) {
            throw new EngineFormatException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new HermeticException("the warm state does not fit a portable module: " + e.getMessage(), e);
        } finally {
            cloneBuilt();
        }
    }

    /**
     * No more spawns. The frozen pages are released once every clone spawned so far has been
     * built, or closed without being started ({@link EngineProcess#close}; a clone dropped
     * unstarted lets go when it is garbage); clones keep the pages they share.
     */
    @Override
    public void close() {
        int before = holds.getAndUpdate(h -> h | 1);
        if ((before & 1) != 0) {
            return;
        }
        // A recycle that saw the snapshot open may add an instance after this drain; it holds
        // the pages open while it resets, and drains again when it lets go (cloneBuilt).
        drainPool();
        if (before == 0) {
            closeMemory();
        }
    }

    /** Takes a hold on the frozen pages; false, with none taken, once the snapshot is closed. */
    private boolean hold() {
        for (int h = holds.get(); ; h = holds.get()) {
            if ((h & 1) != 0) {
                return false;
            }
            if (holds.compareAndSet(h, h + 2)) {
                return true;
            }
        }
    }

    private void closeMemory() {
        if (memoryClosed.compareAndSet(false, true)) {
            memory.close();
        }
    }

    /** The frozen memory; valid for a clone until it calls {@link #cloneBuilt}. */
    MemorySnapshot memory() {
        return memory;
    }

    /** A clone spawned from this snapshot has made its memory, or failed to. */
    void cloneBuilt() {
        int after = holds.addAndGet(-2);
        if ((after & 1) != 0) {
            drainPool();
            if (after == 1) {
                // Closed, and this was the last hold.
                closeMemory();
            }
        }
    }

    InstanceState state() {
        return state;
    }

    /** Gives a clone's c-list the warm process's references, under the same names. */
    void restoreReferences(CList clist) {
        for (String kref : krefs) {
            clist.exportToEngine(kref);
        }
    }
}
