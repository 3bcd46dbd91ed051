package dev.hermetic.vmo.internal;

import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel object a VMO handle names: a window of {@link #size} bytes on a {@link PageStore}
 * starting at page {@link #storeOffset}. A snapshot child gets a new store: based on the
 * parent's frozen pages when it clones the whole store, else holding references to the
 * parent's pages; a slice shares its parent's store. Every mutable field is guarded by the
 * monitor of {@link #store} (see {@link PageStore} for the locking order): callers hold it.
 */
public final class VmoObject {
    /** Largest VMO size accepted: 1 TiB keeps every page index an int. */
    public static final long MAX_SIZE = 1L << 40;

    /** Child options, Zircon's bit values ({@code ZX_VMO_CHILD_*}). */
    public static final int SNAPSHOT = 1;
    public static final int RESIZABLE = 1 << 2;
    public static final int SLICE = 1 << 3;
    public static final int SNAPSHOT_AT_LEAST_ON_WRITE = 1 << 4;
    public static final int NO_WRITE = 1 << 5;

    /** Operations of {@code opRange}, Zircon's numbers ({@code ZX_VMO_OP_*}). */
    public static final int OP_COMMIT = 1;
    public static final int OP_DECOMMIT = 2;
    public static final int OP_ZERO = 10;

    /** Unique kernel object id. */
    public final long koid;
    /** Koid of the VMO this one was created from; 0 for a VMO made by {@code create}. */
    public final long parentKoid;
    /** Name shown in info and maps; at most 31 characters like ZX_MAX_NAME_LEN - 1. */
    public final String name;
    /** The pages; shared with slices of this VMO, never with snapshots. */
    final PageStore store;
    /** First store page of this VMO; 0 unless this VMO is a slice. */
    final long storeOffset;
    /** Size in bytes; a multiple of the page size, <= MAX_SIZE; changes only if {@link #resizable}. */
    long size;
    /** Bytes of content the creator asked for; <= size, rounded up it equals size. */
    long contentSize;
    /** Whether {@code setSize} may change the size. */
    public final boolean resizable;
    /** Whether this VMO is a slice (shares its parent's store). */
    public final boolean slice;
    /** The live VMO this one was created from, or null once that VMO died (or for none). */
    VmoObject parent;
    /**
     * For a snapshot child, the store of the VMO it was created from, whose live-snapshot count
     * includes this VMO until it dies; null for a VMO made by {@code create} and for a slice.
     */
    private PageStore cloneSource;
    /**
     * Live VMOs created from this one. Atomic so that a child dying needs no lock of this VMO's
     * store: every clone of a snapshot would otherwise take the snapshot's on its way out.
     */
    final java.util.concurrent.atomic.AtomicInteger children = new java.util.concurrent.atomic.AtomicInteger();
    /** Open handles naming this object. */
    int handles;
    /** Mappings of this VMO; a mapping keeps the VMO alive like a handle. */
    final List<Mapping> mappings = new ArrayList<>();
    /** False once the last handle and mapping went; a dead VMO holds no pages. */
    boolean alive = true;

    private VmoObject(long parentKoid, String name, PageStore store, long storeOffset, long size,
            long contentSize, boolean resizable, boolean slice) {
        this.koid = Kernel.newKoid();
        this.parentKoid = parentKoid;
        this.name = name;
        this.store = store;
        this.storeOffset = storeOffset;
        this.size = size;
        this.contentSize = contentSize;
        this.resizable = resizable;
        this.slice = slice;
        this.handles = 1;
        store.users.add(this);
    }

    public static VmoObject create(long size, boolean resizable, String name, BudgetAccount account) {
        checkSize(size);
        return new VmoObject(0, clip(name), new PageStore(account), 0, Page.roundUp(size), size, resizable, false);
    }

    /** The lock guarding this VMO: its store's monitor. */
    public Object lock() {
        return store;
    }

    private static String clip(String name) {
        return name.length() > 31 ? name.substring(0, 31) : name;
    }

    private static void checkSize(long size) {
        if (size < 0 || size > MAX_SIZE) {
            throw new ZxException(Status.OUT_OF_RANGE, "VMO size " + size + " is outside [0, 2^40]");
        }
    }

    public long size() {
        return size;
    }

    public long contentSize() {
        return contentSize;
    }

    public int children() {
        return children.get();
    }

    public int mappingCount() {
        return mappings.size();
    }

    /** Number of distinct address spaces (root VMARs) mapping this VMO. */
    public int shareCount() {
        return (int) mappings.stream().map(m -> m.parent.root).distinct().count();
    }

    /**
     * The attribution of this VMO's pages; none for a slice, whose pages are its parent's
     * (vmo-slice.cc {@code AttributedCounts}), even after the parent's last handle closed.
     */
    public Attribution attribution() {
        Attribution out = new Attribution();
        if (!slice) {
            store.attribute(storeOffset, storeOffset + (size >> Page.SHIFT), out);
        }
        return out;
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new ZxException(Status.OUT_OF_RANGE,
                    "range [" + offset + ", +" + length + ") is outside the VMO's " + size + " bytes");
        }
    }

    public void read(byte[] dst, int off, int len, long offset) {
        checkRange(offset, len);
        long pos = offset;
        int done = 0;
        while (done < len) {
            int inPage = (int) (pos & Page.MASK);
            int n = Math.min(len - done, Page.SIZE - inPage);
            System.arraycopy(store.readable(storeOffset + (pos >> Page.SHIFT)), inPage, dst, off + done, n);
            done += n;
            pos += n;
        }
    }

    /** Writes all or nothing: the pages to commit are charged, and every page made exclusive, before any byte changes. */
    public void write(byte[] src, int off, int len, long offset) {
        checkRange(offset, len);
        if (len == 0) {
            return;
        }
        long first = storeOffset + (offset >> Page.SHIFT);
        ownRange(first, storeOffset + ((offset + len - 1) >> Page.SHIFT) + 1);
        long pos = offset;
        int done = 0;
        while (done < len) {
            int inPage = (int) (pos & Page.MASK);
            int n = Math.min(len - done, Page.SIZE - inPage);
            System.arraycopy(src, off + done, store.page(storeOffset + (pos >> Page.SHIFT)).data, inPage, n);
            done += n;
            pos += n;
        }
    }

    /**
     * Makes store pages [first, end) exclusive to this VMO's store, as a write fault on each
     * would: a page shared with another store is copied, a zero page committed. The new pages
     * are charged up front, so a failure to charge changes nothing. Another store letting go
     * of a page meanwhile can only spare a copy (it never adds one), so what is left of the
     * charge is given back at the end.
     */
    private void ownRange(long first, long end) {
        long toCommit = 0;
        for (long i = first; i < end; i++) {
            if (store.needsCommit(i)) {
                toCommit++;
            }
        }
        store.account.charge(toCommit * Page.SIZE);
        try {
            for (long i = first; i < end; i++) {
                if (store.exclusive(i)) {
                    continue;
                }
                if (store.ownWithoutCommit(i) == null) {
                    store.ownCommitting(i);
                    toCommit--;
                }
                invalidateStore(store, i, i + 1);
            }
        } finally {
            store.account.release(toCommit * Page.SIZE);
        }
    }

    /** Makes one page of this VMO writable in place for a fault; returns its array. */
    byte[] ownPage(long vmoPage) {
        long index = storeOffset + vmoPage;
        if (store.exclusive(index)) {
            return store.page(index).data;
        }
        byte[] data = store.own(index);
        invalidateStore(store, index, index + 1);
        return data;
    }

    byte[] readablePage(long vmoPage) {
        return store.readable(storeOffset + vmoPage);
    }

    boolean exclusivePage(long vmoPage) {
        return store.exclusive(storeOffset + vmoPage);
    }

    public void setSize(long newSize) {
        if (!resizable) {
            throw new ZxException(Status.UNAVAILABLE, "the VMO is not resizable");
        }
        checkSize(newSize);
        long rounded = Page.roundUp(newSize);
        if (newSize < size && !Page.aligned(newSize)) {
            zeroWithinPage(newSize, rounded - newSize);
        }
        if (rounded < size) {
            long from = storeOffset + (rounded >> Page.SHIFT);
            long to = storeOffset + (size >> Page.SHIFT);
            store.drop(from, to);
            invalidateStore(store, from, to);
        }
        size = rounded;
        contentSize = newSize;
    }

    /** Zeroes [offset, offset+len) inside one page, copying the page first if it is shared. */
    private void zeroWithinPage(long offset, long len) {
        long index = storeOffset + (offset >> Page.SHIFT);
        if (store.page(index) == null) {
            return;
        }
        byte[] data = ownPage(offset >> Page.SHIFT);
        int from = (int) (offset & Page.MASK);
        java.util.Arrays.fill(data, from, from + (int) len, (byte) 0);
    }

    public void opRange(int op, long offset, long length) {
        checkRange(offset, length);
        long firstPage = offset >> Page.SHIFT;
        long endPage = Page.roundUp(offset + length) >> Page.SHIFT;
        switch (op) {
            case OP_COMMIT -> ownRange(storeOffset + firstPage, storeOffset + endPage);
            case OP_DECOMMIT -> {
                if (store.cloned || store.snapshotChildren.get() > 0) {
                    throw new ZxException(Status.NOT_SUPPORTED,
                            "DECOMMIT needs a VMO made by create (or its slice) without snapshot children");
                }
                if (!Page.aligned(offset) || !Page.aligned(length)) {
                    throw new ZxException(Status.INVALID_ARGS, "DECOMMIT needs a page-aligned range");
                }
                store.drop(storeOffset + firstPage, storeOffset + endPage);
                invalidateStore(store, storeOffset + firstPage, storeOffset + endPage);
            }
            case OP_ZERO -> {
                for (long p = firstPage; p < endPage; p++) {
                    long from = Math.max(offset, p << Page.SHIFT);
                    long to = Math.min(offset + length, (p + 1) << Page.SHIFT);
                    if (to - from == Page.SIZE) {
                        store.drop(storeOffset + p, storeOffset + p + 1);
                        invalidateStore(store, storeOffset + p, storeOffset + p + 1);
                    } else {
                        zeroWithinPage(from, to - from);
                    }
                }
            }
            default -> throw new ZxException(Status.INVALID_ARGS, "unknown VMO op " + op);
        }
    }

    /**
     * Creates a child per Zircon's rules; {@code account} pays for the child's future commits
     * (a slice always uses its parent's store and account).
     */
    public VmoObject createChild(int options, long offset, long childSize, BudgetAccount account) {
        int kinds = options & (SNAPSHOT | SNAPSHOT_AT_LEAST_ON_WRITE | SLICE);
        if (Integer.bitCount(kinds) != 1) {
            throw new ZxException(Status.INVALID_ARGS,
                    "exactly one of SNAPSHOT, SNAPSHOT_AT_LEAST_ON_WRITE, SLICE is required");
        }
        if ((options & ~(SNAPSHOT | SNAPSHOT_AT_LEAST_ON_WRITE | SLICE | NO_WRITE | RESIZABLE)) != 0) {
            throw new ZxException(Status.INVALID_ARGS, "unknown child options 0x" + Integer.toHexString(options));
        }
        if ((options & (NO_WRITE | RESIZABLE)) == (NO_WRITE | RESIZABLE)) {
            throw new ZxException(Status.INVALID_ARGS, "NO_WRITE and RESIZABLE are incompatible");
        }
        if (offset < 0 || !Page.aligned(offset)) {
            throw new ZxException(Status.INVALID_ARGS, "child offset " + offset + " is not page-aligned");
        }
        checkSize(childSize);
        long rounded = Page.roundUp(childSize);
        if (kinds == SLICE && offset > size - rounded) {
            // vmo-slice.cc NonSlice: the range is checked before the parent's resizability.
            throw new ZxException(Status.INVALID_ARGS, "the slice extends past the parent's end");
        }
        if (offset > MAX_SIZE) {
            throw new ZxException(Status.OUT_OF_RANGE, "child offset " + offset + " is too large");
        }
        boolean childResizable = (options & RESIZABLE) != 0;
        VmoObject child;
        if (kinds == SLICE) {
            if (childResizable) {
                throw new ZxException(Status.INVALID_ARGS, "a slice cannot be resizable");
            }
            if (resizable) {
                throw new ZxException(Status.NOT_SUPPORTED, "a resizable VMO cannot have slices");
            }
            child = new VmoObject(koid, name, store, storeOffset + (offset >> Page.SHIFT), rounded, childSize,
                    false, true);
        } else {
            BudgetAccount childAccount = account == null ? store.account : account;
            long parentPages = size >> Page.SHIFT;
            long first = offset >> Page.SHIFT;
            long count = Math.max(0, Math.min(rounded >> Page.SHIFT, parentPages - first));
            // A clone of the whole store shares a frozen base in O(1); any other range shares
            // page by page.
            PageStore fresh = count > 0 && storeOffset == 0 && first == 0 ? store.wholeClone(count, childAccount) : null;
            if (fresh == null) {
                fresh = new PageStore(childAccount);
                if (count > 0) {
                    store.shareInto(fresh, storeOffset + first, count, 0);
                }
            }
            if (count > 0) {
                // Pages this VMO could write in place are now shared: drop cached write access.
                invalidateStore(store, storeOffset + first, storeOffset + first + count);
            }
            fresh.cloned = true;
            child = new VmoObject(koid, name, fresh, 0, rounded, childSize, childResizable, false);
            child.cloneSource = store;
            store.snapshotChildren.incrementAndGet();
        }
        child.parent = this;
        children.incrementAndGet();
        return child;
    }

    public void handleOpened() {
        handles++;
    }

    public void handleClosed() {
        handles--;
        dieIfUnreferenced();
    }

    void mappingRemoved(Mapping m) {
        mappings.remove(m);
        dieIfUnreferenced();
    }

    private void dieIfUnreferenced() {
        if (!alive || handles > 0 || !mappings.isEmpty()) {
            return;
        }
        alive = false;
        store.users.remove(this);
        if (store.users.isEmpty()) {
            store.dropAll();
        }
        // Counts, not state guarded by the parent's store: no lock of it is taken.
        if (parent != null) {
            parent.children.decrementAndGet();
            parent = null;
        }
        if (cloneSource != null) {
            cloneSource.snapshotChildren.decrementAndGet();
            cloneSource = null;
        }
    }

    /**
     * Drops the translation-cache entries of every view that maps store pages [from, to)
     * through any VMO using {@code store}. Called whenever such a page's array is replaced or
     * its write access changes.
     */
    static void invalidateStore(PageStore store, long from, long to) {
        for (VmoObject user : store.users) {
            long vFrom = Math.max(from - user.storeOffset, 0);
            long vTo = to - user.storeOffset;
            if (vTo <= vFrom) {
                continue;
            }
            for (Mapping m : user.mappings) {
                m.invalidateVmoPages(vFrom, vTo);
            }
        }
    }
}
