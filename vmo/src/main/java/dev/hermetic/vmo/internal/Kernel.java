package dev.hermetic.vmo.internal;

import java.util.concurrent.atomic.AtomicLong;

/** State shared by every object of the module. */
public final class Kernel {
    /**
     * Guards every VMO, page store, page share count, VMAR and mapping. One lock keeps the
     * invariants that span objects (share counts, translation-cache invalidation) simple;
     * the hot path ({@code VmarView} hits) takes no lock at all.
     */
    public static final Object LOCK = new Object();

    /** Source of kernel object ids; ids start at 1 and are never reused. */
    private static final AtomicLong KOIDS = new AtomicLong(1000);

    private Kernel() {
    }

    public static long newKoid() {
        return KOIDS.incrementAndGet();
    }
}
