package dev.hermetic.host;

import com.dylibso.chicory.runtime.Instance;
import dev.hermetic.hooks.CList;
import dev.hermetic.hooks.HookGate;
import dev.hermetic.host.internal.EngineChecker;
import dev.hermetic.host.internal.InstanceState;
import dev.hermetic.host.internal.KillSwitch;
import dev.hermetic.host.internal.MemorySnapshot;
import dev.hermetic.host.internal.PortableModule;
import dev.hermetic.host.internal.ProcessMemory;
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
 * thread. Close it when no more clones will be spawned; running clones keep their pages.
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
    /** Set once by {@link #close}; no spawn after it. Guarded by {@code this}. */
    private boolean closed;
    /**
     * Clones spawned whose memory is not made yet: the frozen pages stay open until this is 0,
     * even after {@link #close}. Guarded by {@code this}.
     */
    private int unbuiltClones;
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
        engine.requireOpen();
        synchronized (this) {
            if (closed) {
                throw new ProcessStateException("the snapshot is closed");
            }
            unbuiltClones++;
        }
        try {
            return new EngineProcess(engine, limits, Set.of(grantedHooks), this);
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
        return Filters.run(request, (in, out) -> Filters.once(spawn(limits, request.hooks()), in, out));
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
        synchronized (this) {
            if (closed) {
                throw new ProcessStateException("the snapshot is closed");
            }
        }
        if (metered && !engine.metered()) {
            throw new IllegalStateException("the host does not meter fuel: no metered module to write");
        }
        InstanceState written = state;
        if (engine.metered()) {
            // The counter (and, with tail calls, a scratch global) come after the module's own globals.
            written = metered ? state.withGlobal(engine.fuelGlobal(), Long.MAX_VALUE) : state.withGlobals(engine.fuelGlobal());
        }
        try {
            return PortableModule.write(metered ? engine.meteredBytes() : engine.bytes(), written, memory.pages(),
                    memory.read(), Set.of(EngineChecker.ENGINE_INIT, EngineChecker.INITIALIZE));
        } catch (IllegalArgumentException e) {
            throw new HermeticException("the warm state does not fit a portable module: " + e.getMessage(), e);
        }
    }

    /**
     * No more spawns. The frozen pages are released once every clone spawned so far has been
     * built, or closed without being started ({@link EngineProcess#close}; a clone dropped
     * unstarted lets go when it is garbage); clones keep the pages they share.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (unbuiltClones == 0) {
                memory.close();
            }
        }
    }

    /** The frozen memory; valid for a clone until it calls {@link #cloneBuilt}. */
    MemorySnapshot memory() {
        return memory;
    }

    /** A clone spawned from this snapshot has made its memory, or failed to. */
    synchronized void cloneBuilt() {
        unbuiltClones--;
        if (closed && unbuiltClones == 0) {
            memory.close();
        }
    }

    InstanceState state() {
        return state;
    }

    /** Builds a clone's instance over {@code processMemory}, already made from {@link #memory}: no engine code runs. */
    Instance instantiate(ProcessMemory processMemory, HookGate gate, KillSwitch kill) {
        return instantiate(processMemory, gate, kill, Limits.UNLIMITED_FUEL);
    }

    /** As {@link #instantiate(ProcessMemory, HookGate, KillSwitch)}, the clone given {@code fuel} to spend. */
    Instance instantiate(ProcessMemory processMemory, HookGate gate, KillSwitch kill, long fuel) {
        // The engine's instance module has no start section: a clone must not run it again.
        Instance instance = Instance.builder(engine.instanceModule())
                .withImportValues(engine.imports(gate, kill))
                .withMachineFactory(engine.machineFactory())
                .withMemoryFactory(processMemory::create)
                .withGlobalFactory(state.globalFactory())
                .withTableFactory(processMemory.tables())
                .withStart(false)
                .build();
        state.restoreInto(instance);
        // The warm counter came with the globals; a clone spends its own budget.
        engine.setFuel(instance, fuel);
        return instance;
    }

    /** Gives a clone's c-list the warm process's references, under the same names. */
    void restoreReferences(CList clist) {
        for (String kref : krefs) {
            clist.exportToEngine(kref);
        }
    }
}
