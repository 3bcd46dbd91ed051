package dev.hermetic.vmo.internal;

import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One committed 4 KiB page, shared by reference between page stores until written. Its share
 * count is atomic (stores on different locks take and drop references); its list of frozen
 * runs is guarded by the page's own monitor, a leaf lock.
 */
public final class Page {
    private static final AtomicIntegerFieldUpdater<Page> SHARERS =
            AtomicIntegerFieldUpdater.newUpdater(Page.class, "sharers");

    public static final int SHIFT = 12;
    public static final int SIZE = 1 << SHIFT;
    public static final long MASK = SIZE - 1;

    /** The page every uncommitted page reads as; all zero, never written. */
    public static final byte[] ZERO = new byte[SIZE];

    /**
     * A store slot that reads as zero over the frozen page beneath it: a decommitted page of a
     * store based on {@link FrozenPages}. Never committed, never counted.
     */
    static final Page HOLE = new Page(ZERO, null);

    /** The contents; length {@link #SIZE}; written in place only while {@code sharers == 1}. */
    final byte[] data;
    /**
     * Page stores whose slot holds this page plus frozen runs holding it; >= 1 while
     * reachable; changed only atomically ({@link #share}, {@link #unshare}). It rises only
     * through a holder, so a page with one sharer is reachable only through that holder.
     */
    private volatile int sharers = 1;
    /**
     * The frozen runs among the sharers, and this page's index in each; {@code runCount} used.
     * Guarded by this page's monitor.
     */
    private FrozenPages[] runs;
    private int[] runIndices;
    private int runCount;
    /** The account charged {@link #SIZE} bytes for this page until {@code sharers} drops to 0. */
    final BudgetAccount account;

    private Page(byte[] data, BudgetAccount account) {
        this.data = data;
        this.account = account;
    }

    /**
     * A new page with a copy of {@code contents}; the caller has already charged {@code account}
     * and releases that charge if this throws NO_MEMORY (the JVM heap is exhausted).
     */
    static Page allocate(byte[] contents, BudgetAccount account) {
        byte[] data;
        try {
            data = contents == ZERO ? new byte[SIZE] : contents.clone();
        } catch (OutOfMemoryError e) {
            throw new ZxException(Status.NO_MEMORY, "the JVM heap is exhausted");
        }
        return new Page(data, account);
    }

    int sharers() {
        return sharers;
    }

    /** Takes one more reference; the caller holds one already (or sees the page through a run). */
    void share() {
        SHARERS.incrementAndGet(this);
    }

    /** Drops one reference; the last one releases the page's charge, exactly once. */
    void unshare() {
        if (SHARERS.decrementAndGet(this) == 0) {
            account.release(SIZE);
        }
    }

    synchronized void addRun(FrozenPages run, int index) {
        if (runs == null) {
            runs = new FrozenPages[1];
            runIndices = new int[1];
        } else if (runCount == runs.length) {
            runs = Arrays.copyOf(runs, runCount * 2);
            runIndices = Arrays.copyOf(runIndices, runCount * 2);
        }
        runs[runCount] = run;
        runIndices[runCount++] = index;
    }

    synchronized void removeRun(FrozenPages run, int index) {
        for (int k = 0; k < runCount; k++) {
            if (runs[k] == run && runIndices[k] == index) {
                runCount--;
                runs[k] = runs[runCount];
                runIndices[k] = runIndices[runCount];
                runs[runCount] = null;
                return;
            }
        }
        throw new IllegalStateException("page not in the run");
    }

    /**
     * Stores that see this page: those holding it in a slot, plus, for each frozen run holding
     * it, the bases that see it there (RFC-0254's share count).
     */
    int viewers() {
        FrozenPages[] held;
        int[] indices;
        int n;
        synchronized (this) {
            held = runCount == 0 ? null : Arrays.copyOf(runs, runCount);
            indices = runCount == 0 ? null : Arrays.copyOf(runIndices, runCount);
            n = sharers - runCount;
        }
        // Each run's count is read under that run's lock alone: a run's lock holder takes this
        // page's monitor (removeRun), so the two are never held in this order.
        for (int k = 0; held != null && k < held.length; k++) {
            n += held[k].visibleLocked(indices[k]);
        }
        return n;
    }

    /** True when the page is held by exactly one frozen run and nothing else. */
    synchronized boolean onlyIn(FrozenPages run) {
        return sharers == 1 && runCount == 1 && runs[0] == run;
    }

    public static long roundUp(long bytes) {
        return (bytes + MASK) & ~MASK;
    }

    public static boolean aligned(long value) {
        return (value & MASK) == 0;
    }
}
