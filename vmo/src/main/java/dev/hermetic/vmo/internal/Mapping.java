package dev.hermetic.vmo.internal;

/** A VMO range mapped into a VMAR. Immutable: splitting or protecting replaces the mapping. */
public final class Mapping implements Region {
    /** Absolute address of the first byte; page-aligned. */
    final long base;
    /** Length in bytes; a positive multiple of the page size. */
    final long size;
    /** The mapped VMO; the mapping counts as a reference that keeps it alive. */
    final VmoObject vmo;
    /** Offset in the VMO of the byte at {@link #base}; page-aligned. */
    final long vmoOffset;
    /** PERM_* bits currently granted; a subset of {@link #maxPerms}. */
    final int perms;
    /** PERM_* bits the mapping handle's rights allow; protect may not exceed them. */
    final int maxPerms;
    /** CANNOT_CREATE_VMO_CHILD and ALLOW_FAULTS as given at map time. */
    final int flags;
    /** The VMAR holding this mapping among its children. */
    final VmarObject parent;

    Mapping(long base, long size, VmoObject vmo, long vmoOffset, int perms, int maxPerms, int flags,
            VmarObject parent) {
        this.base = base;
        this.size = size;
        this.vmo = vmo;
        this.vmoOffset = vmoOffset;
        this.perms = perms;
        this.maxPerms = maxPerms;
        this.flags = flags;
        this.parent = parent;
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long size() {
        return size;
    }

    /** The same mapping restricted to [from, to) with {@code newPerms}; not yet registered. */
    Mapping piece(long from, long to, int newPerms) {
        return new Mapping(from, to - from, vmo, vmoOffset + (from - base), newPerms, maxPerms, flags, parent);
    }

    /** Forgets cached translations of the VMO pages [vFrom, vTo) wherever this mapping shows them. */
    void invalidateVmoPages(long vFrom, long vTo) {
        long first = vmoOffset >> Page.SHIFT;
        long last = first + (size >> Page.SHIFT);
        long a = Math.max(vFrom, first);
        long b = Math.min(vTo, last);
        if (a < b) {
            parent.root.invalidateViews(base + ((a - first) << Page.SHIFT), base + ((b - first) << Page.SHIFT));
        }
    }

    /** The lock guarding the mapped VMO's pages and size: its store's monitor. */
    public Object pageLock() {
        return vmo.lock();
    }

    public int perms() {
        return perms;
    }


    // The page accessors below are called under pageLock().

    /** The page array to read the page at {@code addr} from (the zero page when uncommitted). */
    public byte[] readablePage(long addr) {
        return vmo.readablePage(vmoPage(addr));
    }

    /** The page at {@code addr} made exclusive for writing (a copy-on-write fault, charged). */
    public byte[] ownedPage(long addr) {
        return vmo.ownPage(vmoPage(addr));
    }

    /** Whether the page at {@code addr} may be written in place (committed and unshared). */
    public boolean exclusivePage(long addr) {
        return vmo.exclusivePage(vmoPage(addr));
    }

    /** Whether the page at {@code addr} lies inside the VMO's current size. */
    public boolean backed(long addr) {
        return vmoOffset + (addr - base) < vmo.size;
    }

    private long vmoPage(long addr) {
        return (vmoOffset + (addr - base)) >> Page.SHIFT;
    }
}
