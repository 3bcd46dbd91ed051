package dev.hermetic.vmo;

import dev.hermetic.vmo.internal.Mapping;
import dev.hermetic.vmo.internal.VmOptions;
import dev.hermetic.vmo.internal.VmarObject;
import dev.hermetic.vmo.internal.VmoObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A handle to a virtual memory address region: a range of an address space (up to 4 GiB of
 * 4 KiB pages, starting at address 0 for a root) holding VMO mappings and sub-regions.
 * Addresses given to and returned by its methods are absolute, as in Zircon. Thread-safe.
 */
public final class Vmar extends Handle {
    public static final int PERM_READ = VmOptions.PERM_READ;
    public static final int PERM_WRITE = VmOptions.PERM_WRITE;
    public static final int PERM_EXECUTE = VmOptions.PERM_EXECUTE;
    /** Place the region at the given offset; fail with ALREADY_EXISTS if something is there. */
    public static final int SPECIFIC = VmOptions.SPECIFIC;
    /** Place the mapping at the given offset, unmapping whatever is there. */
    public static final int SPECIFIC_OVERWRITE = VmOptions.SPECIFIC_OVERWRITE;
    /** Sub-VMAR permission: SPECIFIC placement allowed inside. */
    public static final int CAN_MAP_SPECIFIC = VmOptions.CAN_MAP_SPECIFIC;
    public static final int CAN_MAP_READ = VmOptions.CAN_MAP_READ;
    public static final int CAN_MAP_WRITE = VmOptions.CAN_MAP_WRITE;
    public static final int CAN_MAP_EXECUTE = VmOptions.CAN_MAP_EXECUTE;
    /** Required to map a resizable VMO, whose pages may vanish under the mapping. */
    public static final int ALLOW_FAULTS = VmOptions.ALLOW_FAULTS;
    /** RFC-0013: refuse {@link #createVmoChild} over this mapping or region. */
    public static final int CANNOT_CREATE_VMO_CHILD = VmOptions.CANNOT_CREATE_VMO_CHILD;

    /** The region this handle names; shared by every duplicate. */
    private final VmarObject object;

    private Vmar(VmarObject object, int rights) {
        super(rights);
        this.object = object;
    }

    /** A new address space of {@code size} bytes (rounded up to pages, at most 4 GiB) based at 0. */
    public static Vmar createRoot(long size) {
        return new Vmar(VmarObject.createRoot(size), Rights.DEFAULT_VMAR);
    }

    @Override
    Object lock() {
        return object.lock();
    }

    @Override
    public long koid() {
        return object.koid;
    }

    public long base() {
        return object.base();
    }

    public long size() {
        return object.size();
    }

    /**
     * A sub-region of {@code size} bytes (a positive multiple of the page size); {@code options}
     * take CAN_MAP_*, SPECIFIC and CANNOT_CREATE_VMO_CHILD. CAN_MAP_READ, _WRITE and _EXECUTE
     * need READ, WRITE and EXECUTE on this handle (ACCESS_DENIED, {@code vmar_allocate.md}); the
     * new handle has this handle's rights less those the sub-region cannot map.
     */
    public Vmar allocate(int options, long offset, long size) {
        synchronized (object.lock()) {
            int mappable = rightsFor((options & (CAN_MAP_READ | CAN_MAP_WRITE | CAN_MAP_EXECUTE)) >> 7);
            require(mappable);
            VmarObject child = object.allocate(options, offset, size);
            return new Vmar(child, rawRights() & ~(Rights.READ | Rights.WRITE | Rights.EXECUTE) | mappable);
        }
    }

    /** The handle rights PERM_READ, PERM_WRITE and PERM_EXECUTE in {@code perms} need. */
    private static int rightsFor(int perms) {
        return ((perms & PERM_READ) != 0 ? Rights.READ : 0)
                | ((perms & PERM_WRITE) != 0 ? Rights.WRITE : 0)
                | ((perms & PERM_EXECUTE) != 0 ? Rights.EXECUTE : 0);
    }

    /**
     * Maps [vmoOffset, vmoOffset+len) of {@code vmo} (len rounded up to pages) and returns its
     * absolute address. {@code vmarOffset} is relative to this region and needs SPECIFIC or
     * SPECIFIC_OVERWRITE; without them the lowest free range is used.
     */
    public long map(int options, long vmarOffset, Vmo vmo, long vmoOffset, long len) {
        synchronized (object.lock()) {
            checkOpen();
            synchronized (vmo.lock()) {
                vmo.require(Rights.MAP);
            }
            int handleRights = rawRights() & vmo.rawRights();
            int maxPerms = (Rights.has(handleRights, Rights.READ) ? PERM_READ : 0)
                    | (Rights.has(handleRights, Rights.WRITE) ? PERM_WRITE : 0)
                    | (Rights.has(handleRights, Rights.EXECUTE) ? PERM_EXECUTE : 0);
            return object.map(options, vmarOffset, vmo.object(), vmoOffset, len, maxPerms);
        }
    }

    /** Unmaps [addr, addr+len): partial mappings are split, enclosed sub-regions destroyed. */
    public void unmap(long addr, long len) {
        synchronized (object.lock()) {
            checkOpen();
            object.unmap(addr, len);
        }
    }

    /**
     * Sets the PERM_* bits of every page of [addr, addr+len), which must all be mapped, here or
     * in sub-regions (where a mapping may only lose permissions). The permissions need the
     * matching rights on this handle (ACCESS_DENIED, {@code vmar_protect.md}); PERM_WRITE
     * without PERM_READ is INVALID_ARGS.
     */
    public void protect(int options, long addr, long len) {
        synchronized (object.lock()) {
            require(rightsFor(options));
            object.protect(options, addr, len);
        }
    }

    /**
     * Unmaps everything inside and makes every later operation on the region BAD_STATE, this
     * one included. Unlike Zircon, a root may be destroyed: it is how an address space is freed.
     */
    public void destroy() {
        synchronized (object.lock()) {
            checkOpen();
            object.destroy();
        }
    }

    /** This region and everything in it, depth-first by address (like ZX_INFO_PROCESS_MAPS). */
    public List<MapEntry> maps() {
        synchronized (object.lock()) {
            require(Rights.INSPECT);
            object.checkAlive();
            List<MapEntry> out = new ArrayList<>();
            object.listMaps(out);
            return out;
        }
    }

    /** RFC-0013, charged like the mapped VMO. */
    public Vmo createVmoChild(int options, long addr, long size) {
        return createVmoChild(options, addr, size, null);
    }

    /**
     * RFC-0013's {@code zx_vmar_create_vmo_child}: a snapshot of the pages mapped at
     * [addr, addr+size), which must lie in one mapping; the rights of the VMO handle that made
     * the mapping do not matter (the RFC names none; a mapper opts out with
     * CANNOT_CREATE_VMO_CHILD). The handle has the rights of a fresh VMO without EXECUTE; under
     * NO_WRITE it lacks WRITE and has EXECUTE if the mapping is executable: executable clones
     * must be read-only, as the RFC concludes and as {@code vmo_create_child} treats a parent.
     * Future commits of the child are charged to {@code budget} (null: the mapped VMO's budget).
     */
    public Vmo createVmoChild(int options, long addr, long size, MemoryBudget budget) {
        synchronized (object.lock()) {
            require(Rights.INSPECT);
            object.checkAlive();
            VmoObject child = object.createVmoChild(options, addr, size, budget == null ? null : budget.account());
            Mapping m = object.find(addr);
            int rights = Rights.DEFAULT_VMO & ~Rights.EXECUTE;
            if ((options & Vmo.NO_WRITE) != 0) {
                rights &= ~Rights.WRITE;
                if ((m.perms() & PERM_EXECUTE) != 0) {
                    rights |= Rights.EXECUTE;
                }
            }
            return Vmo.wrapChild(child, rights);
        }
    }

    /** A new single-threaded fast accessor over the whole address space this region belongs to. */
    public VmarView view() {
        return new VmarView(this);
    }

    /** The region a new view reads through; refuses a closed handle. */
    VmarObject viewedObject() {
        synchronized (object.lock()) {
            checkOpen();
            return object;
        }
    }

    public Vmar duplicate(int rights) {
        synchronized (object.lock()) {
            return new Vmar(object, duplicateRights(rights));
        }
    }

    /** Closing a VMAR handle keeps the region and its mappings, as in Zircon. */
    @Override
    void released() {
    }

    @Override
    public String toString() {
        return "Vmar[koid=" + object.koid + ", base=" + object.base() + ", size=" + object.size() + "]";
    }
}
