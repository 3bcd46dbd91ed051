package dev.hermetic.vmo.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pages of one or more VMOs (a VMO and its slices): Zircon's copy-on-write page tree,
 * flattened. A slot holds a page shared by reference with other stores; a write to a page
 * with more than one sharer copies it first. Guarded by {@link Kernel#LOCK}.
 */
public final class PageStore {
    private static final Page[] EMPTY = new Page[0];

    /** Slots by page index; null reads as zero; length covers the highest committed index only. */
    private Page[] pages = EMPTY;
    /** The account new pages of this store are charged to. */
    final BudgetAccount account;
    /** Live VMOs that are a window on this store; the store's pages are released when it empties. */
    final List<VmoObject> users = new ArrayList<>();

    PageStore(BudgetAccount account) {
        this.account = account;
    }

    Page page(long index) {
        return index < pages.length ? pages[(int) index] : null;
    }

    /** The array to read page {@code index} from: its page's data or the shared zero page. */
    byte[] readable(long index) {
        Page p = page(index);
        return p == null ? Page.ZERO : p.data;
    }

    /** True when page {@code index} is committed and no other store holds it. */
    boolean exclusive(long index) {
        Page p = page(index);
        return p != null && p.sharers == 1;
    }

    /** Makes page {@code index} exclusive, charging this store's account; returns its array. */
    byte[] own(long index) {
        if (!exclusive(index)) {
            account.charge(Page.SIZE);
            try {
                return ownPrecharged(index);
            } catch (RuntimeException e) {
                account.release(Page.SIZE);
                throw e;
            }
        }
        return pages[(int) index].data;
    }

    /** Like {@link #own} when the caller already charged one page for a non-exclusive slot. */
    byte[] ownPrecharged(long index) {
        Page old = page(index);
        Page fresh = Page.allocate(old == null ? Page.ZERO : old.data, account);
        ensureLength(index + 1);
        pages[(int) index] = fresh;
        if (old != null) {
            unshare(old);
        }
        return fresh.data;
    }

    /** Puts references to this store's pages [from, from+count) into {@code dst} at dstFrom. */
    void shareInto(PageStore dst, long from, long count, long dstFrom) {
        long end = Math.min(from + count, pages.length);
        for (long i = from; i < end; i++) {
            Page p = pages[(int) i];
            if (p != null) {
                p.sharers++;
                dst.ensureLength(dstFrom + (i - from) + 1);
                dst.pages[(int) (dstFrom + (i - from))] = p;
            }
        }
    }

    /** Releases slots [from, to); they read as zero afterwards. */
    void drop(long from, long to) {
        long end = Math.min(to, pages.length);
        for (long i = from; i < end; i++) {
            Page p = pages[(int) i];
            if (p != null) {
                pages[(int) i] = null;
                unshare(p);
            }
        }
    }

    void dropAll() {
        drop(0, pages.length);
        pages = EMPTY;
    }

    /** True when some slot in [from, to) is committed. */
    boolean anyCommitted(long from, long to) {
        long end = Math.min(to, pages.length);
        for (long i = from; i < end; i++) {
            if (pages[(int) i] != null) {
                return true;
            }
        }
        return false;
    }

    /** Fills {@code out} = {committed, private, shared, scaled} bytes over slots [from, to). */
    void attribute(long from, long to, long[] out) {
        long end = Math.min(to, pages.length);
        for (long i = from; i < end; i++) {
            Page p = pages[(int) i];
            if (p != null) {
                out[0] += Page.SIZE;
                if (p.sharers == 1) {
                    out[1] += Page.SIZE;
                } else {
                    out[2] += Page.SIZE;
                }
                out[3] += Page.SIZE / p.sharers;
            }
        }
    }

    private static void unshare(Page p) {
        if (--p.sharers == 0) {
            p.account.release(Page.SIZE);
        }
    }

    private void ensureLength(long length) {
        if (length > pages.length) {
            long grown = Math.max(length, Math.min((long) pages.length * 2, Integer.MAX_VALUE - 8));
            pages = Arrays.copyOf(pages, (int) Math.max(grown, 16));
        }
    }
}
