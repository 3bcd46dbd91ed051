package dev.hermetic.flink;

import dev.hermetic.host.Host;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One {@link Host} and one warm snapshot per engine SHA-256 in this JVM (in a task manager: per
 * job, since each job's classes, this one among them, load in a class loader of their own),
 * shared by every operator instance that runs an engine. Operators {@link #acquire} in
 * {@code open()} and close the lease in {@code close()}; the last lease of an engine closes its
 * snapshot and unloads it, and the last lease of all closes the host, so a finished or
 * cancelled job leaves no engine threads or frozen pages behind.
 *
 * <p>All engines of the pool share the one host, so they draw from one memory budget (the host's
 * {@link Host#memoryBudget()}: the processes' commits and the snapshots' frozen pages together)
 * and report to one Micrometer registry. The budget is fixed when the host is built, by the first
 * acquire after the pool was empty. Thread-safe.
 */
public final class EnginePool {
    /** The pool operators use unless given another. */
    static final EnginePool SHARED = new EnginePool(8);

    /** The most distinct engines held at once; positive. */
    private final int maxEngines;
    /** SHA-256 to its warm engine; every entry has at least one lease. Guarded by {@code this}. */
    private final Map<String, Entry> entries = new HashMap<>();
    /** The host every entry lives in; null while the pool is empty. Guarded by {@code this}. */
    private Host host;
    /** The host's meters; replaced with each new host. Guarded by {@code this}. */
    private MeterRegistry registry;
    /** The budget the current host was built with, in bytes; 0 while there is no host. Guarded by {@code this}. */
    private long budgetBytes;
    /** Told of every meter the host adds (operators mirroring the meters into Flink's groups). */
    private final List<Consumer<Meter>> meterListeners = new CopyOnWriteArrayList<>();

    /** A warm engine and how many leases hold it. */
    private static final class Entry {
        /** The engine and its snapshot; closed when the last lease closes, never before. */
        final HostAdapter.Warm warm;
        /** Leases not yet closed; positive while the entry is in the pool. Guarded by the pool. */
        int leases;

        Entry(HostAdapter.Warm warm) {
            this.warm = warm;
        }
    }

    public EnginePool(int maxEngines) {
        if (maxEngines <= 0) {
            throw new IllegalArgumentException("maxEngines must be positive: " + maxEngines);
        }
        this.maxEngines = maxEngines;
    }

    /** {@link #acquire(EngineSpec, long)} with the host's default budget, half the JVM's heap. */
    public Lease acquire(EngineSpec spec) {
        return acquire(spec, (long) (Runtime.getRuntime().maxMemory() * Host.Builder.DEFAULT_MEMORY_BUDGET_FRACTION));
    }

    /**
     * A lease on the spec's warm engine, warming it first if this JVM holds none with its SHA.
     * Warming runs under the pool's lock: concurrent first acquires of one engine warm it once.
     *
     * @param memoryBudgetBytes the host's memory budget if this acquire builds the host (the pool
     *     was empty); ignored otherwise: the running host keeps the budget it was built with
     * @throws IllegalStateException if the pool already holds {@code maxEngines} other engines
     */
    public synchronized Lease acquire(EngineSpec spec, long memoryBudgetBytes) {
        Entry entry = entries.get(spec.sha256());
        if (entry == null) {
            makeRoom();
            boolean built = host == null;
            if (built) {
                openHost(memoryBudgetBytes);
            }
            try {
                entry = new Entry(HostAdapter.warm(host, spec));
            } catch (RuntimeException e) {
                if (built) {
                    closeHost();
                }
                throw e;
            }
            entries.put(spec.sha256(), entry);
        }
        entry.leases++;
        return new Lease(this, spec, entry);
    }

    private void openHost(long memoryBudgetBytes) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // One listener per registry, fanning out to the operators now open: a Micrometer
        // registry cannot drop a listener, operators come and go.
        meters.config().onMeterAdded(meter -> meterListeners.forEach(l -> l.accept(meter)));
        registry = meters;
        budgetBytes = memoryBudgetBytes;
        host = Host.builder().withMemoryBudget(memoryBudgetBytes).withMeterRegistry(meters).build();
    }

    private void closeHost() {
        try {
            host.close();
        } finally {
            host = null;
            registry = null;
            budgetBytes = 0;
        }
    }

    /** Engines held. */
    public synchronized int size() {
        return entries.size();
    }

    /** Leases open on the engine with this SHA-256; 0 when the pool does not hold it. */
    public synchronized int leases(String sha256) {
        Entry entry = entries.get(sha256);
        return entry == null ? 0 : entry.leases;
    }

    /** The memory budget of the pool's host in bytes; 0 when the pool holds no host. */
    public synchronized long memoryBudgetBytes() {
        return budgetBytes;
    }

    /**
     * The host's meters now, and every meter it adds later, each handed to {@code listener}
     * (on whichever thread adds it) until {@code unsubscribe} is called with the same listener.
     * Nothing is handed over while the pool holds no host.
     */
    synchronized void subscribe(Consumer<Meter> listener) {
        meterListeners.add(listener);
        if (registry != null) {
            registry.getMeters().forEach(listener);
        }
    }

    void unsubscribe(Consumer<Meter> listener) {
        meterListeners.remove(listener);
    }

    private void makeRoom() {
        if (entries.size() >= maxEngines) {
            throw new IllegalStateException("the engine pool already holds " + maxEngines + " engines, all in use");
        }
    }

    private synchronized void release(String sha256, Entry entry) {
        if (--entry.leases == 0) {
            entries.remove(sha256);
            try {
                entry.warm.close();
            } finally {
                if (entries.isEmpty()) {
                    closeHost();
                }
            }
        }
    }

    /** One operator's hold on a warm engine; thread-safe; close it once, in the operator's {@code close()}. */
    public static final class Lease implements AutoCloseable {
        /** The pool the engine came from. */
        private final EnginePool pool;
        /** The spec the operator was given: its limits, capacity and codec apply to its records. */
        private final EngineSpec spec;
        /** The shared warm engine. */
        private final Entry entry;
        /** Set by the first close. Guarded by {@code this}. */
        private boolean closed;

        private Lease(EnginePool pool, EngineSpec spec, Entry entry) {
            this.pool = pool;
            this.spec = spec;
            this.entry = entry;
        }

        public EngineSpec spec() {
            return spec;
        }

        /** The pool this lease came from. */
        EnginePool pool() {
            return pool;
        }

        /** Runs {@code record} on a fresh clone of the warm engine; an engine failure is a result. */
        public EngineResult run(byte[] record) {
            return HostAdapter.run(entry.warm.snapshot(), spec, record);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            pool.release(spec.sha256(), entry);
        }
    }
}
