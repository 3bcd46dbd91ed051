package dev.hermetic.flink;

import java.util.HashMap;
import java.util.Map;

/**
 * One host and one warm snapshot per engine SHA-256 in this JVM (in a task manager: per job,
 * since each job's classes, this one among them, load in a class loader of their own), shared
 * by every operator instance that runs the engine. Operators {@link #acquire} in {@code open()}
 * and close the lease in {@code close()}; the last lease closed closes the snapshot and its
 * host, so a finished or cancelled job leaves no engine threads or frozen pages behind.
 */
public final class EnginePool {
    /** The pool operators use unless given another. */
    static final EnginePool SHARED = new EnginePool(8);

    /** The most distinct engines held at once; positive. */
    private final int maxEngines;
    /** SHA-256 to its warm engine; every entry has at least one lease. Guarded by {@code this}. */
    private final Map<String, Entry> entries = new HashMap<>();

    /** A warm engine and how many leases hold it. */
    private static final class Entry {
        /** The host and snapshot; closed when the last lease closes, never before. */
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

    /**
     * A lease on the spec's warm engine, warming it first if this JVM holds none with its SHA.
     * Warming runs under the pool's lock: concurrent first acquires of one engine warm it once.
     *
     * @throws IllegalStateException if the pool already holds {@code maxEngines} other engines
     */
    public synchronized Lease acquire(EngineSpec spec) {
        Entry entry = entries.get(spec.sha256());
        if (entry == null) {
            makeRoom();
            entry = new Entry(HostAdapter.warm(spec));
            entries.put(spec.sha256(), entry);
        }
        entry.leases++;
        return new Lease(this, spec, entry);
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

    private void makeRoom() {
        if (entries.size() >= maxEngines) {
            throw new IllegalStateException("the engine pool already holds " + maxEngines + " engines, all in use");
        }
    }

    private synchronized void release(String sha256, Entry entry) {
        if (--entry.leases == 0) {
            entries.remove(sha256);
            entry.warm.close();
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
