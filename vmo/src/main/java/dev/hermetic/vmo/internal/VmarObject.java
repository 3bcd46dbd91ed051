package dev.hermetic.vmo.internal;

import dev.hermetic.vmo.MapEntry;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.ZxException;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The kernel object a VMAR handle names: an address range holding mappings and sub-VMARs.
 *
 * <p>Locking: the root's monitor ({@link #lock()}), one per address space, guards the whole
 * tree below it: {@link #children} and {@link #destroyed} of every region. It is the first
 * lock an operation takes; a mapped VMO's store lock comes after it, one at a time. The list
 * of translation caches is copy-on-write and needs no lock.
 */
public final class VmarObject implements Region {
    /** Largest root VMAR: 4 GiB, the address space of 32-bit Wasm. */
    public static final long MAX_ROOT_SIZE = 1L << 32;

    /** Unique kernel object id. */
    public final long koid;
    /** Absolute address of the first byte; page-aligned. */
    final long base;
    /** Length in bytes; a positive multiple of the page size. */
    final long size;
    /** CAN_MAP_* bits (what may be mapped inside) and CANNOT_CREATE_VMO_CHILD. */
    final int flags;
    /** The enclosing VMAR; null for a root. */
    final VmarObject parent;
    /** The root of this address space; {@code this} for a root. */
    final VmarObject root;
    /**
     * Depth in the address space's tree as {@code ZX_INFO_PROCESS_MAPS} counts it: 1 for a root
     * (the address space itself is depth 0), its parent's plus one otherwise.
     */
    final int depth;
    /** Mappings and sub-VMARs by base address; pairwise disjoint and inside [base, base+size). */
    private final TreeMap<Long, Region> children = new TreeMap<>();
    /** True once destroyed: then it has no children and every operation is BAD_STATE. */
    boolean destroyed;
    /**
     * Translation caches over this address space (root only); weak so an unused view can be
     * collected. Copy-on-write, so invalidation (by page stores, without this tree's lock)
     * iterates it with no lock; views are registered rarely.
     */
    private final List<WeakReference<TranslationCache>> views = new CopyOnWriteArrayList<>();

    private VmarObject(long base, long size, int flags, VmarObject parent) {
        this.koid = Kernel.newKoid();
        this.base = base;
        this.size = size;
        this.flags = flags;
        this.parent = parent;
        this.root = parent == null ? this : parent.root;
        this.depth = parent == null ? 1 : parent.depth + 1;
    }

    public static VmarObject createRoot(long size) {
        if (size <= 0 || size > MAX_ROOT_SIZE) {
            throw new ZxException(Status.INVALID_ARGS, "root VMAR size " + size + " is outside (0, 4 GiB]");
        }
        return new VmarObject(0, Page.roundUp(size), VmOptions.CAN_MAP | VmOptions.CAN_MAP_SPECIFIC, null);
    }

    @Override
    public long base() {
        return base;
    }

    /**
     * One past the last byte this VMAR's regions occupy (its base when it has none): no address
     * at or past it is mapped. Under the root's lock.
     */
    public long occupiedEnd() {
        Map.Entry<Long, Region> last = children.lastEntry();
        return last == null ? base : last.getValue().end();
    }

    @Override
    public long size() {
        return size;
    }

    public VmarObject rootObject() {
        return root;
    }

    /** The lock of this address space: its root's monitor. */
    public Object lock() {
        return root;
    }

    public void checkAlive() {
        if (destroyed) {
            throw new ZxException(Status.BAD_STATE, "the VMAR was destroyed");
        }
    }

    public void register(TranslationCache view) {
        root.views.add(new WeakReference<>(view));
    }

    void invalidateViews(long from, long to) {
        boolean collected = false;
        for (WeakReference<TranslationCache> ref : root.views) {
            TranslationCache view = ref.get();
            if (view == null) {
                collected = true;
            } else {
                view.invalidate(from, to);
            }
        }
        if (collected) {
            root.views.removeIf(ref -> ref.get() == null);
        }
    }

    /** The absolute start of a new region of {@code len} bytes, per the placement options. */
    private long place(int options, long offset, long len) {
        if (len <= 0 || len > size) {
            throw new ZxException(Status.INVALID_ARGS, "length " + len + " does not fit the VMAR");
        }
        if ((options & (VmOptions.SPECIFIC | VmOptions.SPECIFIC_OVERWRITE)) != 0) {
            if ((flags & VmOptions.CAN_MAP_SPECIFIC) == 0) {
                throw new ZxException(Status.ACCESS_DENIED, "the VMAR does not allow SPECIFIC placement");
            }
            if (offset < 0 || !Page.aligned(offset) || offset > size - len) {
                throw new ZxException(Status.INVALID_ARGS,
                        "[" + offset + ", +" + len + ") is not a page-aligned range inside the VMAR");
            }
            return base + offset;
        }
        if (offset != 0) {
            throw new ZxException(Status.INVALID_ARGS, "an offset needs SPECIFIC");
        }
        long candidate = base;
        for (Region r : children.values()) {
            if (r.base() - candidate >= len) {
                return candidate;
            }
            candidate = r.end();
        }
        if (base + size - candidate >= len) {
            return candidate;
        }
        throw new ZxException(Status.NO_RESOURCES, "no free range of " + len + " bytes in the VMAR");
    }

    private boolean overlaps(long from, long to) {
        Map.Entry<Long, Region> e = children.floorEntry(to - 1);
        return e != null && e.getValue().end() > from;
    }

    public VmarObject allocate(int options, long offset, long len) {
        checkAlive();
        if ((options & ~(VmOptions.CAN_MAP | VmOptions.SPECIFIC | VmOptions.CANNOT_CREATE_VMO_CHILD)) != 0) {
            throw new ZxException(Status.INVALID_ARGS, "unknown allocate options 0x" + Integer.toHexString(options));
        }
        int canMap = options & VmOptions.CAN_MAP;
        if ((canMap & ~flags) != 0) {
            throw new ZxException(Status.ACCESS_DENIED, "a sub-VMAR cannot allow more than its parent");
        }
        if (!Page.aligned(len)) {
            // vmar.cc InvalidArgsTest: a sub-region's size is not rounded up.
            throw new ZxException(Status.INVALID_ARGS, "sub-region size " + len + " is not page-aligned");
        }
        long at = place(options, offset, len);
        if (overlaps(at, at + len)) {
            throw new ZxException(Status.ALREADY_EXISTS, "the range overlaps an existing region");
        }
        VmarObject child = new VmarObject(at, len, options & (VmOptions.CAN_MAP | VmOptions.CANNOT_CREATE_VMO_CHILD),
                this);
        children.put(at, child);
        return child;
    }

    /** Maps {@code vmo}; {@code maxPerms} are the PERM_* bits the VMO handle's rights allow. */
    public long map(int options, long offset, VmoObject vmo, long vmoOffset, long len, int maxPerms) {
        checkAlive();
        int known = VmOptions.PERMS | VmOptions.SPECIFIC | VmOptions.SPECIFIC_OVERWRITE | VmOptions.ALLOW_FAULTS
                | VmOptions.CANNOT_CREATE_VMO_CHILD;
        if ((options & ~known) != 0) {
            throw new ZxException(Status.INVALID_ARGS, "unknown map options 0x" + Integer.toHexString(options));
        }
        int perms = options & VmOptions.PERMS;
        checkPermsCombination(perms);
        if ((perms & ~maxPerms) != 0) {
            throw new ZxException(Status.ACCESS_DENIED, "the VMO handle lacks the rights for these permissions");
        }
        if ((VmOptions.canMapFor(perms) & ~flags) != 0) {
            throw new ZxException(Status.ACCESS_DENIED, "the VMAR does not allow these permissions");
        }
        if (vmoOffset < 0 || !Page.aligned(vmoOffset) || len <= 0 || len > VmoObject.MAX_SIZE
                || vmoOffset > VmoObject.MAX_SIZE) {
            throw new ZxException(Status.INVALID_ARGS,
                    "VMO offset " + vmoOffset + " and length " + len + " must be page-aligned and positive");
        }
        if (vmo.resizable && (options & VmOptions.ALLOW_FAULTS) == 0) {
            throw new ZxException(Status.NOT_SUPPORTED, "mapping a resizable VMO needs ALLOW_FAULTS");
        }
        len = Page.roundUp(len);
        long at = place(options, offset, len);
        if (overlaps(at, at + len)) {
            if ((options & VmOptions.SPECIFIC_OVERWRITE) == 0) {
                throw new ZxException(Status.ALREADY_EXISTS, "the range overlaps an existing region");
            }
            for (Region region : regionsIn(at, at + len)) {
                if (region instanceof VmarObject) {
                    // vmar.cc MapSpecificOverwriteTest: only mappings are overwritten.
                    throw new ZxException(Status.INVALID_ARGS, "SPECIFIC_OVERWRITE over a sub-VMAR");
                }
            }
            unmapRange(at, at + len);
        }
        Mapping m = new Mapping(at, len, vmo, vmoOffset, perms, maxPerms,
                options & (VmOptions.ALLOW_FAULTS | VmOptions.CANNOT_CREATE_VMO_CHILD), this);
        synchronized (vmo.lock()) {
            if (!vmo.alive) {
                throw new ZxException(Status.BAD_HANDLE, "the VMO was closed");
            }
            vmo.mappings.add(m);
        }
        children.put(at, m);
        invalidateViews(at, at + len);
        return at;
    }

    private long[] absoluteRange(long addr, long len) {
        if (!Page.aligned(addr) || len <= 0) {
            throw new ZxException(Status.INVALID_ARGS, "address " + addr + " or length " + len + " is invalid");
        }
        long end = addr + Page.roundUp(len);
        if (addr < base || end > base + size || end < addr) {
            throw new ZxException(Status.INVALID_ARGS, "the range is outside the VMAR");
        }
        return new long[] {addr, end};
    }

    public void unmap(long addr, long len) {
        checkAlive();
        long[] r = absoluteRange(addr, len);
        unmapRange(r[0], r[1]);
    }

    /** Removes everything in [from, to): splits mappings at the edges, destroys enclosed sub-VMARs. */
    private void unmapRange(long from, long to) {
        List<Region> hit = regionsIn(from, to);
        for (Region region : hit) {
            if (region instanceof VmarObject sub && (sub.base < from || sub.end() > to)) {
                throw new ZxException(Status.INVALID_ARGS, "the range partially covers a sub-VMAR");
            }
        }
        for (Region region : hit) {
            if (region instanceof VmarObject sub) {
                sub.destroy();
            } else {
                Mapping m = (Mapping) region;
                List<Mapping> keep = new ArrayList<>(2);
                if (m.base < from) {
                    keep.add(m.piece(m.base, from, m.perms));
                }
                if (m.end() > to) {
                    keep.add(m.piece(to, m.end(), m.perms));
                }
                replace(m, keep);
            }
        }
        invalidateViews(from, to);
    }

    private List<Region> regionsIn(long from, long to) {
        List<Region> hit = new ArrayList<>();
        Long start = children.floorKey(from);
        for (Region region : children.tailMap(start == null ? from : start, true).values()) {
            if (region.base() >= to) {
                break;
            }
            if (region.end() > from) {
                hit.add(region);
            }
        }
        return hit;
    }

    private void replace(Mapping old, List<Mapping> pieces) {
        children.remove(old.base);
        for (Mapping p : pieces) {
            children.put(p.base, p);
        }
        synchronized (old.vmo.lock()) {
            old.vmo.mappings.addAll(pieces);
            old.vmo.mappingRemoved(old);
        }
    }

    /** WRITE without READ is INVALID_ARGS for map and protect ({@code vmar_map.md}, {@code vmar_protect.md}). */
    private static void checkPermsCombination(int perms) {
        if ((perms & VmOptions.PERM_WRITE) != 0 && (perms & VmOptions.PERM_READ) == 0) {
            throw new ZxException(Status.INVALID_ARGS, "PERM_WRITE needs PERM_READ");
        }
    }

    /**
     * Sets the permissions of every page of [addr, addr+len), mapped here or in sub-regions
     * (vmar.cc {@code ProtectMultipleTest}); a mapping in a sub-region may only lose permissions
     * ({@code vmar_protect.md}). Checks the whole range before changing anything.
     */
    public void protect(int options, long addr, long len) {
        checkAlive();
        if ((options & ~VmOptions.PERMS) != 0) {
            throw new ZxException(Status.INVALID_ARGS, "protect takes only PERM_* options");
        }
        checkPermsCombination(options);
        long[] r = absoluteRange(addr, len);
        List<Mapping> hit = new ArrayList<>();
        collectProtectable(options, r[0], r[1], true, hit);
        for (Mapping m : hit) {
            List<Mapping> pieces = new ArrayList<>(3);
            if (m.base < r[0]) {
                pieces.add(m.piece(m.base, r[0], m.perms));
            }
            pieces.add(m.piece(Math.max(m.base, r[0]), Math.min(m.end(), r[1]), options));
            if (m.end() > r[1]) {
                pieces.add(m.piece(r[1], m.end(), m.perms));
            }
            m.parent.replace(m, pieces);
        }
        invalidateViews(r[0], r[1]);
    }

    /**
     * Adds to {@code out} the mappings covering [from, to) in this VMAR and its sub-regions,
     * failing with NOT_FOUND at the first unmapped page and ACCESS_DENIED where a mapping may not
     * get {@code perms}: beyond its VMO handle's rights or this VMAR's CAN_MAP_* bits when
     * {@code direct}, beyond its current permissions inside a sub-region.
     */
    private void collectProtectable(int perms, long from, long to, boolean direct, List<Mapping> out) {
        long expected = from;
        for (Region region : regionsIn(from, to)) {
            if (region.base() > expected) {
                throw new ZxException(Status.NOT_FOUND, "address " + expected + " is not mapped");
            }
            if (region instanceof VmarObject sub) {
                sub.collectProtectable(perms, Math.max(from, sub.base), Math.min(to, sub.end()), false, out);
            } else {
                Mapping m = (Mapping) region;
                boolean allowed = direct
                        ? (perms & ~m.maxPerms) == 0 && (VmOptions.canMapFor(perms) & ~flags) == 0
                        : (perms & ~m.perms) == 0;
                if (!allowed) {
                    throw new ZxException(Status.ACCESS_DENIED,
                            "the mapping at " + m.base + " cannot get these permissions");
                }
                out.add(m);
            }
            expected = region.end();
        }
        if (expected < to) {
            throw new ZxException(Status.NOT_FOUND, "address " + expected + " is not mapped");
        }
    }

    /** Destroys this VMAR and everything in it; BAD_STATE when already destroyed ({@code vmar_destroy.md}). */
    public void destroy() {
        checkAlive();
        for (Region region : new ArrayList<>(children.values())) {
            if (region instanceof VmarObject sub) {
                sub.destroy();
            } else {
                Mapping m = (Mapping) region;
                children.remove(m.base);
                synchronized (m.vmo.lock()) {
                    m.vmo.mappingRemoved(m);
                }
            }
        }
        children.clear();
        destroyed = true;
        if (parent != null) {
            parent.children.remove(base);
        }
        invalidateViews(base, base + size);
    }

    /** The mapping covering {@code addr} anywhere below this VMAR, or null. */
    public Mapping find(long addr) {
        Map.Entry<Long, Region> e = children.floorEntry(addr);
        if (e == null || e.getValue().end() <= addr) {
            return null;
        }
        return e.getValue() instanceof VmarObject sub ? sub.find(addr) : (Mapping) e.getValue();
    }

    /** RFC-0013: a copy-on-write child of the pages mapped at [addr, addr+len). */
    public VmoObject createVmoChild(int options, long addr, long len, BudgetAccount account) {
        checkAlive();
        if ((options & VmoObject.SLICE) != 0 || (options & VmoObject.RESIZABLE) != 0) {
            throw new ZxException(Status.INVALID_ARGS, "createVmoChild accepts only snapshot children");
        }
        if (!Page.aligned(addr) || !Page.aligned(len) || len <= 0) {
            throw new ZxException(Status.INVALID_ARGS, "address " + addr + " and size " + len + " must be page-aligned");
        }
        VmarObject region = this;
        Mapping m = null;
        while (m == null) {
            if ((region.flags & VmOptions.CANNOT_CREATE_VMO_CHILD) != 0) {
                throw new ZxException(Status.ACCESS_DENIED, "the VMAR forbids creating VMO children");
            }
            Map.Entry<Long, Region> e = region.children.floorEntry(addr);
            if (e == null || e.getValue().end() <= addr) {
                throw new ZxException(Status.INVALID_ARGS, "address " + addr + " is not mapped");
            }
            if (e.getValue() instanceof VmarObject sub) {
                region = sub;
            } else {
                m = (Mapping) e.getValue();
            }
        }
        if (addr + len > m.end() || addr + len < addr) {
            throw new ZxException(Status.INVALID_ARGS, "the range does not lie within one mapping");
        }
        if ((m.flags & VmOptions.CANNOT_CREATE_VMO_CHILD) != 0) {
            throw new ZxException(Status.ACCESS_DENIED, "the mapping forbids creating VMO children");
        }
        synchronized (m.vmo.lock()) {
            return m.vmo.createChild(options, m.vmoOffset + (addr - m.base), len, account);
        }
    }

    /**
     * Appends this VMAR and everything below it, depth-first by address, like ZX_INFO_PROCESS_MAPS,
     * each at its {@link #depth} in the address space.
     */
    public void listMaps(List<MapEntry> out) {
        out.add(MapEntry.region(koid, base, size, depth));
        for (Region region : children.values()) {
            if (region instanceof VmarObject sub) {
                sub.listMaps(out);
            } else {
                Mapping m = (Mapping) region;
                Attribution attr = new Attribution();
                synchronized (m.vmo.lock()) {
                    long first = m.vmo.storeOffset + (m.vmoOffset >> Page.SHIFT);
                    long vmoPages = Math.max(0, (m.vmo.size - m.vmoOffset) >> Page.SHIFT);
                    m.vmo.store.attribute(first, first + Math.min(m.size >> Page.SHIFT, vmoPages), attr);
                }
                out.add(MapEntry.mapping(m.vmo.name, m.base, m.size, depth + 1, m.perms, m.vmo.koid, m.vmoOffset,
                        attr.committedBytes() >> Page.SHIFT));
            }
        }
    }
}
