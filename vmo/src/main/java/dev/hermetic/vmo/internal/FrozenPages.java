package dev.hermetic.vmo.internal;

/**
 * The pages of a store frozen when it was first cloned whole: Zircon's hidden parent, kept one
 * level deep. The store and each of its whole clones are based on it and see page {@code i}
 * beneath their own slot {@code i} while that slot is empty, so a further whole clone of a
 * store with no own slots is one more base and copies nothing.
 *
 * <p>Locking: this object's monitor guards {@link #bases}, {@link #shadowed} and every write
 * to {@link #pages}; it is taken after the lock of the base store that calls in and before a
 * page's monitor. Reads of {@code pages[i]} take no lock: a base reads index {@code i} only
 * while its own slot there is empty, and then it counts among the bases that see the page, so
 * the entry cannot change under it (an entry changes only when no base, or only the one
 * taking it over, sees it). That is what makes a read fault on a snapshot page lock-free here.
 */
final class FrozenPages {
    /**
     * Pages by index; null reads as zero. A page changes only when it leaves: a base that is
     * the only one still seeing it takes it over on write, and the slot becomes null.
     */
    final Page[] pages;
    /** Live stores based on these pages; at 0 every page is unshared and this is dropped. */
    private int bases;
    /** Per index: bases whose own slot there is set (a page or a hole), hiding the page beneath. */
    private final int[] shadowed;

    /**
     * Takes over the caller's reference to every page in {@code pages}; the caller (the store
     * being frozen) becomes the first base.
     */
    FrozenPages(Page[] pages) {
        this.pages = pages;
        this.shadowed = new int[pages.length];
        this.bases = 1;
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null) {
                pages[i].addRun(this, i);
            }
        }
    }

    /** Bases that see page {@code index} of this run; under this object's monitor. */
    private int visible(int index) {
        return bases - shadowed[index];
    }

    /** {@link #visible} read under this object's monitor, for attribution. */
    synchronized int visibleLocked(int index) {
        return visible(index);
    }

    /** One more store based on these pages (a whole clone of a base that sees them all). */
    synchronized void baseAdded() {
        bases++;
    }

    /**
     * Counts a base's slot {@code index} as hiding the page beneath ({@code +1}) or no longer
     * ({@code -1}); a page no base sees any more is released.
     */
    synchronized void shadow(int index, int delta) {
        shadowed[index] += delta;
        if (delta > 0) {
            releaseIfUnseen(index);
        }
    }

    /**
     * Hands page {@code index} to the calling base, which must see it, if no other store can
     * see or hold it (Zircon moves such a page out of a hidden parent); null otherwise. The
     * base's slot then hides the index.
     */
    synchronized Page takeOver(int index) {
        Page p = pages[index];
        if (p == null || visible(index) != 1 || !p.onlyIn(this)) {
            return null;
        }
        pages[index] = null;
        p.removeRun(this, index);
        shadowed[index]++;
        return p;
    }

    /** True when {@link #takeOver} would succeed now; it stays true while the caller holds its store's lock. */
    synchronized boolean orphanedFor(int index) {
        Page p = pages[index];
        return p != null && visible(index) == 1 && p.onlyIn(this);
    }

    /** Lets go of page {@code index} once no base sees it, as the flat page tree would. */
    private void releaseIfUnseen(int index) {
        Page p = pages[index];
        if (p != null && visible(index) == 0) {
            pages[index] = null;
            p.removeRun(this, index);
            p.unshare();
        }
    }

    /**
     * Called when a base goes, with the indices its own slots hid ({@code hidden[0..count)}):
     * they stop counting and the base stops counting in one step, so no other base ever sees
     * a page's viewers rise on the way, then lets go of what no base sees now.
     */
    synchronized void baseGone(int[] hidden, int count) {
        for (int k = 0; k < count; k++) {
            shadowed[hidden[k]]--;
        }
        bases--;
        for (int i = 0; i < pages.length; i++) {
            releaseIfUnseen(i);
        }
    }
}
