package dev.hermetic.vmo.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pages of one or more VMOs (a VMO and its slices): Zircon's copy-on-write page tree, at
 * most one hidden level deep. A slot holds a page shared by reference with other stores; a
 * write to a page with more than one sharer copies it first. Beneath the slots a store may be
 * based on {@link FrozenPages}: an empty slot reads the frozen page at its index, so cloning a
 * store whole costs one reference instead of one per page.
 *
 * <p>Locking: the store's monitor guards its slots, {@link #base}, {@link #users},
 * {@link #cloned}, the rise of {@link #snapshotChildren} and the state of every {@link VmoObject} using it
 * (and the handles naming them). It is taken after the lock of an address space that maps one
 * of its VMOs, and before the stripe locks of its {@link FrozenPages}, a {@link Page}'s
 * monitor, and the translation caches it invalidates. A store holds at most the locks of its
 * VMOs' ancestors' stores besides (a VMO that dies tells its parent), so store locks are taken
 * child first.
 */
public final class PageStore {
    /**
     * Own slots by page index; unset reads through to {@link #base} (zero without one),
     * {@link Page#HOLE} reads as zero over it.
     */
    private final SlotTable slots = new SlotTable();
    /** The frozen pages beneath the slots, from index 0; null for none. */
    private FrozenPages base;
    /** True once an own slot over {@link #base} is set (a page or a hole): the store no longer sees all of it. */
    private boolean hidesBase;
    /** The account new pages of this store are charged to. */
    final BudgetAccount account;
    /** Live VMOs that are a window on this store; the store's pages are released when it empties. */
    final List<VmoObject> users = new ArrayList<>();
    /** Set once, when the store is made for a snapshot child: its pages are copy-on-write views of another's. */
    boolean cloned;
    /**
     * Live snapshot children made from the VMOs using this store; DECOMMIT is refused while > 0.
     * Rises under this store's lock; falls without it (a child dying), so a DECOMMIT racing the
     * last child's death may still be refused, as if it had come first.
     */
    final java.util.concurrent.atomic.AtomicInteger snapshotChildren = new java.util.concurrent.atomic.AtomicInteger();

    PageStore(BudgetAccount account) {
        this.account = account;
    }

    /** A store that starts as a whole clone of the pages in {@code base}. */
    static PageStore basedOn(FrozenPages base, BudgetAccount account) {
        PageStore store = new PageStore(account);
        store.base = base;
        base.baseAdded();
        return store;
    }

    private Page slot(long index) {
        return slots.get(index);
    }

    private boolean baseCovers(long index) {
        return base != null && index < base.pages.length;
    }

    /** The page slot {@code index} reads: its own, the frozen one beneath, or null for zero. */
    Page page(long index) {
        Page p = slot(index);
        if (p == null) {
            return baseCovers(index) ? base.pages[(int) index] : null;
        }
        return p == Page.HOLE ? null : p;
    }

    /** The array to read page {@code index} from: its page's data or the shared zero page. */
    byte[] readable(long index) {
        Page p = page(index);
        return p == null ? Page.ZERO : p.data;
    }

    /** True when page {@code index} is committed in this store's own slot and no one else holds it. */
    boolean exclusive(long index) {
        Page p = slot(index);
        return p != null && p != Page.HOLE && p.sharers() == 1;
    }

    /**
     * True when page {@code index} is a frozen page no other store can see any more: a write
     * takes it over instead of copying it. Once true it stays true while this store's lock is
     * held (no other store can start seeing a page only this one sees).
     */
    private boolean orphaned(long index) {
        return slot(index) == null && baseCovers(index) && base.orphanedFor((int) index);
    }

    /**
     * True when making page {@code index} writable needs a new page: it is neither exclusive
     * nor orphaned. Under this store's lock it can only turn false (another store letting go).
     */
    boolean needsCommit(long index) {
        return !exclusive(index) && !orphaned(index);
    }

    /** Makes page {@code index} exclusive, charging this store's account if that takes a new page; returns its array. */
    byte[] own(long index) {
        byte[] data = ownWithoutCommit(index);
        if (data != null) {
            return data;
        }
        account.charge(Page.SIZE);
        try {
            return ownCommitting(index);
        } catch (RuntimeException e) {
            account.release(Page.SIZE);
            throw e;
        }
    }

    /**
     * Makes page {@code index} exclusive if that takes no new page (it is exclusive already, or
     * an orphaned frozen page this store takes over); returns its array, or null.
     */
    byte[] ownWithoutCommit(long index) {
        Page current = slot(index);
        if (exclusive(index)) {
            return current.data;
        }
        if (current == null && baseCovers(index)) {
            Page p = base.takeOver((int) index, !hidesBase);
            if (p != null) {
                hidesBase = true;
                setSlot(index, p);
                return p.data;
            }
        }
        return null;
    }

    /**
     * Makes page {@code index} exclusive with a new page: a copy of what it reads, charged by
     * the caller (one page). The copy is made outside any lock but this store's: the page
     * copied is one this store sees, so no other store changes it meanwhile.
     */
    byte[] ownCommitting(long index) {
        Page current = slot(index);
        Page old = page(index);
        Page fresh = Page.allocate(old == null ? Page.ZERO : old.data, account);
        setSlot(index, fresh);
        if (current == null) {
            if (baseCovers(index)) {
                base.hide((int) index, !hidesBase);
                hidesBase = true;
            }
        } else if (current != Page.HOLE) {
            current.unshare();
        }
        return fresh.data;
    }

    private void setSlot(long index, Page p) {
        // A clone writes within its base nearly always: room past it is heap each clone holds for nothing.
        slots.set(index, p, baseCovers(index) ? base.pages.length : Long.MAX_VALUE);
    }

    /** Puts references to the pages this store reads at [from, from+count) into {@code dst} at dstFrom. */
    void shareInto(PageStore dst, long from, long count, long dstFrom) {
        long end = Math.min(from + count, extent());
        for (long i = from; i < end; i++) {
            Page p = page(i);
            if (p != null) {
                p.share();
                dst.setSlot(dstFrom + (i - from), p);
            }
        }
    }

    /** One past the highest index whose read may see a page. */
    private long extent() {
        return Math.max(slots.extent(), base == null ? 0 : base.pages.length);
    }

    /** True when no own slot is set: the store reads exactly its base. */
    private boolean noOwnSlots() {
        return slots.end() == 0;
    }

    /**
     * A new store reading what this one reads over [0, length) and zero past it, sharing a
     * frozen base when this store can hand one over in O(1) (it reads exactly its base) or
     * become based on one (it has no base yet, and nothing past {@code length}); null otherwise.
     * After freezing, this store's pages are no longer exclusive: the caller drops cached write access.
     */
    PageStore wholeClone(long length, BudgetAccount childAccount) {
        if (base != null) {
            return noOwnSlots() && base.pages.length <= length ? basedOn(base, childAccount) : null;
        }
        long last = slots.end();
        if (last == 0 || last > length) {
            return null;
        }
        base = new FrozenPages(slots.toArray((int) last));
        slots.clear();
        return basedOn(base, childAccount);
    }

    /** Releases slots [from, to); they read as zero afterwards. */
    void drop(long from, long to) {
        long end = Math.min(to, extent());
        for (long i = from; i < end; i++) {
            Page p = slot(i);
            if (p != null && p != Page.HOLE) {
                p.unshare();
            }
            if (baseCovers(i)) {
                setSlot(i, Page.HOLE);
                if (p == null) {
                    base.hide((int) i, !hidesBase);
                    hidesBase = true;
                }
            } else if (p != null) {
                slots.set(i, null, 0);
            }
        }
    }

    /** Releases every page; the store reads as zero afterwards. */
    void dropAll() {
        // Lets go of every own page and lists the indices over the base, sized to what the store
        // wrote rather than to its base: a pooled clone's reset does this once per request.
        final class Dropping implements SlotTable.SlotVisitor {
            int[] hidden = new int[16];
            int count;

            @Override
            public void visit(long index, Page p) {
                if (p != Page.HOLE) {
                    p.unshare();
                }
                if (baseCovers(index)) {
                    if (count == hidden.length) {
                        hidden = Arrays.copyOf(hidden, 2 * count);
                    }
                    hidden[count++] = (int) index;
                }
            }
        }
        Dropping dropping = new Dropping();
        slots.forEachSet(dropping);
        slots.clear();
        if (base != null) {
            FrozenPages gone = base;
            base = null;
            hidesBase = false;
            gone.baseGone(dropping.hidden, dropping.count);
        }
    }

    /** Adds the committed pages of slots [from, to) to {@code out}, each with the number of stores that see it. */
    void attribute(long from, long to, Attribution out) {
        long end = Math.min(to, extent());
        for (long i = from; i < end; i++) {
            Page p = page(i);
            if (p != null) {
                out.addPage(p.viewers());
            }
        }
    }
}
