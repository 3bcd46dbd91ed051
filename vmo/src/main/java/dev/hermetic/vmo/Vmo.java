package dev.hermetic.vmo;

import dev.hermetic.vmo.internal.Attribution;
import dev.hermetic.vmo.internal.VmoObject;
import java.util.Objects;

/**
 * A handle to a virtual memory object: a resizable or fixed-size sequence of 4 KiB pages that
 * read as zero until written. Children share pages copy-on-write (snapshots) or share the
 * parent's pages outright (slices). Thread-safe.
 */
public final class Vmo extends Handle {
    /** Child option: an isolated copy-on-write snapshot ({@code ZX_VMO_CHILD_SNAPSHOT}). */
    public static final int SNAPSHOT = VmoObject.SNAPSHOT;
    /** Child option: a snapshot that may see parent writes until it writes; here always a snapshot. */
    public static final int SNAPSHOT_AT_LEAST_ON_WRITE = VmoObject.SNAPSHOT_AT_LEAST_ON_WRITE;
    /** Child option: a window on the parent's own pages. */
    public static final int SLICE = VmoObject.SLICE;
    /** Child modifier: the child handle lacks WRITE. */
    public static final int NO_WRITE = VmoObject.NO_WRITE;
    /** Child modifier: the child may be resized (not for slices). */
    public static final int RESIZABLE = VmoObject.RESIZABLE;

    /** {@link #opRange} operation: commit every page of the range. */
    public static final int OP_COMMIT = VmoObject.OP_COMMIT;
    /** {@link #opRange} operation: release the pages of the range (rounded out to pages). */
    public static final int OP_DECOMMIT = VmoObject.OP_DECOMMIT;
    /** {@link #opRange} operation: make the range read as zero, releasing whole pages. */
    public static final int OP_ZERO = VmoObject.OP_ZERO;

    /** The object this handle names; shared by every duplicate. */
    private final VmoObject object;

    private Vmo(VmoObject object, int rights) {
        super(rights);
        this.object = object;
    }

    /** A fixed-size VMO of {@code size} bytes (rounded up to pages) charged to a fresh unlimited budget. */
    public static Vmo create(long size) {
        return builder(size).build();
    }

    public static Builder builder(long size) {
        return new Builder(size);
    }

    /** Options of a new VMO. */
    public static final class Builder {
        /** Requested size in bytes; becomes the content size. */
        private final long size;
        /** Whether the VMO may be resized. */
        private boolean resizable;
        /** Name shown in info and maps. */
        private String name = "";
        /** Budget charged for commits; null means a fresh unlimited budget. */
        private MemoryBudget budget;

        private Builder(long size) {
            this.size = size;
        }

        public Builder withResizable(boolean resizable) {
            this.resizable = resizable;
            return this;
        }

        public Builder withName(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder withBudget(MemoryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        public Vmo build() {
            MemoryBudget b = budget == null ? MemoryBudget.unlimited() : budget;
            VmoObject object = VmoObject.create(size, resizable, name, b.account());
            return new Vmo(object, Rights.DEFAULT_VMO | (resizable ? Rights.RESIZE : 0));
        }
    }

    @Override
    Object lock() {
        return object.lock();
    }

    @Override
    public long koid() {
        return object.koid;
    }

    VmoObject object() {
        return object;
    }

    public void read(byte[] dst, long offset) {
        read(dst, 0, dst.length, offset);
    }

    public void read(byte[] dst, int off, int len, long offset) {
        Objects.checkFromIndexSize(off, len, dst.length);
        synchronized (object.lock()) {
            require(Rights.READ);
            object.read(dst, off, len, offset);
        }
    }

    public void write(byte[] src, long offset) {
        write(src, 0, src.length, offset);
    }

    /** Writes all bytes or, on NO_MEMORY or OUT_OF_RANGE, none. */
    public void write(byte[] src, int off, int len, long offset) {
        Objects.checkFromIndexSize(off, len, src.length);
        synchronized (object.lock()) {
            require(Rights.WRITE);
            object.write(src, off, len, offset);
        }
    }

    public long size() {
        synchronized (object.lock()) {
            checkOpen();
            return object.size();
        }
    }

    /**
     * Changes the size; pages past the new end are released and the tail of the last page zeroed.
     * UNAVAILABLE for a VMO not created resizable (vmo.cc {@code NoResize}), whatever the
     * handle's rights; ACCESS_DENIED for a handle to a resizable VMO without WRITE and RESIZE.
     */
    public void setSize(long size) {
        synchronized (object.lock()) {
            checkOpen();
            if (!object.resizable) {
                throw new ZxException(Status.UNAVAILABLE, "the VMO is not resizable");
            }
            require(Rights.WRITE | Rights.RESIZE);
            object.setSize(size);
        }
    }

    public long contentSize() {
        synchronized (object.lock()) {
            checkOpen();
            return object.contentSize();
        }
    }

    /**
     * COMMIT, DECOMMIT or ZERO over [offset, offset+size), as {@code zx_vmo_op_range}. COMMIT
     * makes every page of the range this VMO's own, as a write fault would: a page shared with a
     * snapshot relative is copied. DECOMMIT needs a page-aligned range (INVALID_ARGS) and a VMO
     * made by {@code create}, or a slice of one, with no live snapshot children (NOT_SUPPORTED).
     */
    public void opRange(int op, long offset, long size) {
        synchronized (object.lock()) {
            require(Rights.WRITE);
            object.opRange(op, offset, size);
        }
    }

    /** A child charged to the same budget as this VMO's pages. */
    public Vmo createChild(int options, long offset, long size) {
        return createChild(options, offset, size, null);
    }

    /**
     * A child of [offset, offset+size) per Zircon's rules; its future commits are charged to
     * {@code budget} (null: this VMO's budget). The child's rights are this handle's, as
     * {@code vmo_create_child.md} gives them: a snapshot without NO_WRITE gains WRITE and loses
     * EXECUTE, NO_WRITE removes WRITE, RESIZE follows the RESIZABLE option (which NO_WRITE
     * refuses: INVALID_ARGS), GET_PROPERTY and SET_PROPERTY are added.
     */
    public Vmo createChild(int options, long offset, long size, MemoryBudget budget) {
        synchronized (object.lock()) {
            require(Rights.DUPLICATE | Rights.READ);
            VmoObject child = object.createChild(options, offset, size,
                    budget == null ? null : budget.account());
            return new Vmo(child, childRights(rawRights(), options));
        }
    }

    static int childRights(int parentRights, int options) {
        int rights = (parentRights & ~Rights.RESIZE) | Rights.GET_PROPERTY | Rights.SET_PROPERTY;
        if ((options & SLICE) == 0 && (options & NO_WRITE) == 0) {
            rights = (rights | Rights.WRITE) & ~Rights.EXECUTE;
        }
        if ((options & NO_WRITE) != 0) {
            rights &= ~Rights.WRITE;
        }
        if ((options & RESIZABLE) != 0) {
            rights |= Rights.RESIZE;
        }
        return rights;
    }

    static Vmo wrapChild(VmoObject child, int rights) {
        return new Vmo(child, rights);
    }

    /** Another handle to the same VMO with {@code rights} (a subset, or {@link Rights#SAME_RIGHTS}). */
    public Vmo duplicate(int rights) {
        synchronized (object.lock()) {
            int granted = duplicateRights(rights);
            object.handleOpened();
            return new Vmo(object, granted);
        }
    }

    /** The VMO's info; like {@code ZX_INFO_VMO} it needs no right ({@code object_get_info.md}). */
    public VmoInfo info() {
        synchronized (object.lock()) {
            checkOpen();
            Attribution a = object.attribution();
            return new VmoInfo(object.koid, object.parentKoid, object.name, object.size(), object.contentSize(),
                    object.resizable, object.slice, object.children(), object.mappingCount(), object.shareCount(),
                    a.committedBytes(), a.privateBytes(), a.sharedBytes(), a.scaledBytes(), a.fractionalScaledBytes(),
                    rawRights());
        }
    }

    @Override
    void released() {
        object.handleClosed();
    }

    @Override
    public String toString() {
        return "Vmo[koid=" + object.koid + ", name=" + object.name + "]";
    }
}
