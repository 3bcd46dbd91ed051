package dev.hermetic.vmo.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * State shared by every object of the module: only the koid counter, which is atomic. There
 * is no module-wide lock; locks are per object, taken in this order (each guards the state
 * named on its class):
 * <ol>
 *   <li>an address space's lock (its root {@code VmarObject}'s monitor);
 *   <li>a {@code PageStore}'s monitor, then those of its VMOs' ancestors' stores, child first;
 *   <li>a {@code FrozenPages} stripe (several only in index order);
 *   <li>a {@code Page}'s monitor, or one translation cache's own lock (the address space's
 *       list of caches is copy-on-write).
 * </ol>
 * Page share counts, budget accounts, a frozen table's base count and an address space's list
 * of translation caches are atomic (or copy-on-write) and need no lock.
 */
public final class Kernel {
    /** Source of kernel object ids; ids start at 1 and are never reused. */
    private static final AtomicLong KOIDS = new AtomicLong(1000);

    private Kernel() {
    }

    public static long newKoid() {
        return KOIDS.incrementAndGet();
    }
}
