package dev.hermetic.vmo.internal;

import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;

/** One committed 4 KiB page, shared by reference between page stores until written. */
public final class Page {
    public static final int SHIFT = 12;
    public static final int SIZE = 1 << SHIFT;
    public static final long MASK = SIZE - 1;

    /** The page every uncommitted page reads as; all zero, never written. */
    public static final byte[] ZERO = new byte[SIZE];

    /** The contents; length {@link #SIZE}; written in place only while {@code sharers == 1}. */
    final byte[] data;
    /** Page stores whose slot holds this page; >= 1 while reachable; guarded by {@link Kernel#LOCK}. */
    int sharers = 1;
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

    public static long roundUp(long bytes) {
        return (bytes + MASK) & ~MASK;
    }

    public static boolean aligned(long value) {
        return (value & MASK) == 0;
    }
}
