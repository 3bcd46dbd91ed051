package dev.hermetic.vmo.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The pages of a store frozen when it was first cloned whole: Zircon's hidden parent, kept one
 * level deep. The store and each of its whole clones are based on it and see page {@code i}
 * beneath their own slot {@code i} while that slot is empty, so a further whole clone of a
 * store with no own slots is one more base and copies nothing.
 *
 * <p>Locking: index {@code i} belongs to stripe {@code i % STRIPES}; a stripe's lock guards
 * every write to {@code pages[i]} of its indices and every fall of {@code shadowed[i]}, so
 * write faults of clones on different pages of one snapshot do not contend. A rise of
 * {@code shadowed[i]} (a base hiding a page it has copied) takes no lock while a base that hides
 * nothing is left: that base still sees the page, so no one need look for it to let go of; a
 * reader under the stripe may then see the page's viewers fall at any moment, which is the truth,
 * and what it decides on a lower count (take the page over, let it go) stays right. {@link #bases} is atomic: it rises
 * without a lock (a new base comes from a base that sees every page, so no page's viewers can
 * look lower for it) and falls under the stripes of the indices the leaving base hid, together
 * with their shadow counts (a page it did not hide it saw, so its viewers really fall). Stripes are taken after the lock of the base store that calls in, in index
 * order when several, and before a page's monitor. Reads of {@code pages[i]} take no lock: a base reads index {@code i} only
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
    private static final int STRIPES = 16;

    /** Live stores based on these pages; at 0 every page is unshared and this is dropped. */
    private final AtomicInteger bases = new AtomicInteger(1);
    /**
     * Live bases that hide no page (no own slot over these pages): each sees every page, so
     * while one is left no page can be unseen and a base going need not look for pages to
     * let go of (the snapshot's own frozen store is such a base for as long as it lives).
     * Rises without a lock like {@link #bases}; falls without one while it stays above 0 (a base
     * hiding its first page after the rise of that page's count, or a clear base going, before it
     * stops counting among the bases), and to 0 under the stripe of the page the last clear base
     * hides first, which it then releases if no base sees it.
     */
    private final AtomicInteger clearBases = new AtomicInteger(1);
    /** The stripe locks; {@code stripes[i % STRIPES]} guards index {@code i}. */
    private final Object[] stripes = new Object[STRIPES];
    /** Per index: bases whose own slot there is set (a page or a hole), hiding the page beneath. */
    private final AtomicIntegerArray shadowed;

    /**
     * Takes over the caller's reference to every page in {@code pages}; the caller (the store
     * being frozen) becomes the first base.
     */
    FrozenPages(Page[] pages) {
        this.pages = pages;
        this.shadowed = new AtomicIntegerArray(pages.length);
        for (int k = 0; k < STRIPES; k++) {
            stripes[k] = new Object();
        }
        for (int i = 0; i < pages.length; i++) {
            if (pages[i] != null) {
                pages[i].addRun(this, i);
            }
        }
    }

    private Object stripe(int index) {
        return stripes[index & (STRIPES - 1)];
    }

    /** Bases that see page {@code index} of this run; under the index's stripe. */
    private int visible(int index) {
        return bases.get() - shadowed.get(index);
    }

    /** {@link #visible} read under the index's stripe, for attribution. */
    int visibleLocked(int index) {
        synchronized (stripe(index)) {
            return visible(index);
        }
    }

    /** One more store based on these pages (a whole clone of a base that sees them all). */
    void baseAdded() {
        clearBases.incrementAndGet();
        bases.incrementAndGet();
    }

    /**
     * Counts a base's slot {@code index} as hiding the page beneath (slots over these pages
     * never empty again while the base lives); a page no base sees any more is released.
     * {@code firstHidden}: the base hid no page before this one.
     */
    void hide(int index, boolean firstHidden) {
        shadowed.incrementAndGet(index);
        // Read after the rise: a clear base counted here sees the page now, and whoever makes it
        // unseen later (that base hiding it or leaving) reads this rise. A base hiding its first
        // page leaves the clear bases without a lock while another is left (the snapshot's own
        // store is one for as long as it lives): every clone's first write fault of a snapshot
        // page would otherwise take that page's stripe, and under load they all queue on it.
        if (firstHidden ? leaveClearUnlessLast() : clearBases.get() > 0) {
            return;
        }
        synchronized (stripe(index)) {
            if (firstHidden) {
                clearBases.decrementAndGet();
            }
            releaseIfUnseen(index);
        }
    }

    /** Stops counting the caller among the clear bases if another is left; false, changing nothing, if not. */
    private boolean leaveClearUnlessLast() {
        while (true) {
            int clear = clearBases.get();
            if (clear <= 1) {
                return false;
            }
            if (clearBases.compareAndSet(clear, clear - 1)) {
                return true;
            }
        }
    }

    /**
     * Hands page {@code index} to the calling base, which must see it, if no other store can
     * see or hold it (Zircon moves such a page out of a hidden parent); null otherwise. The
     * base's slot then hides the index ({@code firstHidden}: the first it hides).
     */
    Page takeOver(int index, boolean firstHidden) {
        synchronized (stripe(index)) {
            Page p = pages[index];
            if (p == null || visible(index) != 1 || !p.onlyIn(this)) {
                return null;
            }
            if (firstHidden) {
                clearBases.decrementAndGet();
            }
            pages[index] = null;
            p.removeRun(this, index);
            shadowed.incrementAndGet(index);
            return p;
        }
    }

    /** True when {@link #takeOver} would succeed now; it stays true while the caller holds its store's lock. */
    boolean orphanedFor(int index) {
        synchronized (stripe(index)) {
            Page p = pages[index];
            return p != null && visible(index) == 1 && p.onlyIn(this);
        }
    }

    /** Lets go of page {@code index} once no base sees it, as the flat page tree would; under its stripe. */
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
     * under the stripes of those indices, they stop counting and the base stops counting in one
     * step, so no reader of such an index sees its viewers rise on the way (elsewhere the base
     * stopping to count is the truth: it saw those pages). Then, unless a base that hides
     * nothing is left, lets go of what no base sees now, one stripe at a time.
     */
    void baseGone(int[] hidden, int count) {
        int clearLeft;
        if (count == 0) {
            // It counted among the clear bases; leave those first, so no one counts on it meanwhile.
            clearLeft = clearBases.decrementAndGet();
            bases.decrementAndGet();
        } else {
            int mask = 0;
            for (int k = 0; k < count; k++) {
                mask |= 1 << (hidden[k] & (STRIPES - 1));
            }
            leaveUnder(mask, 0, hidden, count);
            clearLeft = clearBases.get();
        }
        if (clearLeft > 0) {
            return; // a base left sees every page: none is unseen
        }
        for (int stripe = 0; stripe < STRIPES; stripe++) {
            synchronized (stripes[stripe]) {
                for (int i = stripe; i < pages.length; i += STRIPES) {
                    releaseIfUnseen(i);
                }
            }
        }
    }

    /** Takes the stripes of {@code mask} from {@code stripe} on, in order, then un-counts the leaving base under them. */
    private void leaveUnder(int mask, int stripe, int[] hidden, int count) {
        while (stripe < STRIPES && (mask & (1 << stripe)) == 0) {
            stripe++;
        }
        if (stripe < STRIPES) {
            synchronized (stripes[stripe]) {
                leaveUnder(mask, stripe + 1, hidden, count);
            }
            return;
        }
        for (int k = 0; k < count; k++) {
            shadowed.decrementAndGet(hidden[k]);
        }
        bases.decrementAndGet();
    }
}
