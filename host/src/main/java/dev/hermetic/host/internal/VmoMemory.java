package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import dev.hermetic.vmo.MapEntry;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.PageFaultException;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.Vmar;
import dev.hermetic.vmo.VmarView;
import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.ZxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A Wasm linear memory whose address space is a root {@link Vmar}: the module's image mapped
 * copy-on-write at 0, a fresh zero-page VMO per {@code memory.grow}, and spans the host maps over
 * them. The memory is itself the {@link VmarView} over that address space: Chicory's loads and
 * stores are the view's accessors, whose per-page translation cache is the fast path, with no
 * wrapper around them (compiled Wasm inlines one at every access, within a bytecode budget).
 * Not thread-safe: one engine thread uses it, and the host only before start and after the end.
 */
public final class VmoMemory extends VmarView implements Memory {
    /** Chicory's Wasm page, 64 KiB. */
    private static final int WASM_PAGE = Memory.PAGE_SIZE;
    /** A VMO page: the unit a merged snapshot is scanned and written in. */
    private static final int VMO_PAGE = 4096;

    /** Initial and maximum pages; the maximum is already capped by the process's page limit. */
    private final MemoryLimits limits;
    /** The address space: exactly {@code maximumPages() * 64 KiB} bytes, so no access can land past it. */
    private final Vmar root;
    /** Charged for every page any of this memory's VMOs commits; null means unlimited. Replaced by {@link #reset}. */
    private MemoryBudget budget;
    /** Every VMO this memory created; closed on {@link #release}. */
    private final List<Vmo> owned = new ArrayList<>();
    /**
     * The module's image, mapped by {@link #initialize} in place of applying the active segments
     * one by one; null when there is none or it does not hold the segments.
     */
    private final MemoryImage image;
    /** Current size in Wasm pages; every page below it is mapped readable and writable (spans aside). */
    private int pages;
    /** The module's data segments as Chicory hands them over; dropped ones are replaced by an empty one. */
    private DataSegment[] dataSegments;
    /**
     * True for a clone of a snapshot: its pages already hold the warm contents, so Chicory's
     * {@link #zero} and the active segments of {@link #initialize} must leave them alone.
     */
    private final boolean restored;
    /**
     * Whether the address space holds anything but this memory's own zero pages: spans mapped
     * over it, or the image's copy-on-write child (which reads as the image while committing
     * nothing).
     */
    private boolean foreignPagesMapped;

    /**
     * @param limits the declared limits, maximum capped by the caller
     * @param image the module's memory image, or null to start from zero pages
     * @param budget the committed-bytes quota, or null for none
     */
    public VmoMemory(MemoryLimits limits, MemoryImage image, MemoryBudget budget) {
        this(limits, addressSpace(limits), image, budget);
    }

    private VmoMemory(MemoryLimits limits, Vmar root, MemoryImage image, MemoryBudget budget) {
        super(root);
        this.limits = limits;
        this.budget = budget;
        this.root = root;
        this.image = image != null && image.holdsSegments() ? image : null;
        this.pages = limits.initialPages();
        this.restored = false;
        mapFreshPages(0, pages);
    }

    /**
     * A clone of {@code snapshot}: each of its regions mapped as a copy-on-write child charged
     * to {@code budget}, so the clone copies nothing until it writes.
     *
     * @param limits the declared limits, maximum capped by the caller and at least the snapshot's pages
     */
    public VmoMemory(MemoryLimits limits, MemorySnapshot snapshot, MemoryBudget budget) {
        this(limits, addressSpace(limits), snapshot, budget);
    }

    private VmoMemory(MemoryLimits limits, Vmar root, MemorySnapshot snapshot, MemoryBudget budget) {
        super(root);
        this.limits = limits;
        this.budget = budget;
        this.root = root;
        this.image = null;
        this.pages = snapshot.pages();
        this.restored = true;
        try {
            mapClonesOf(snapshot);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /**
     * Makes this clone's memory {@code snapshot}'s again, as {@code clear_and_remain_ready} does
     * for a Wasmtime pooled slot: every mapping is removed (the view's translation cache with
     * it), every VMO this memory made is closed (its pages and their charges go), and a fresh
     * copy-on-write child of each frozen region is mapped, charged to {@code newBudget}. The
     * size goes back to the snapshot's. Nothing the last run wrote survives: each page is
     * again the frozen one until written. Call it only while no engine code runs.
     */
    public void reset(MemorySnapshot snapshot, MemoryBudget newBudget) {
        if (!restored) {
            throw new IllegalStateException("only a clone's memory goes back to its snapshot");
        }
        root.unmap(0, root.size());
        for (Vmo v : owned) {
            v.close();
        }
        owned.clear();
        budget = newBudget;
        pages = snapshot.pages();
        mapClonesOf(snapshot);
    }

    /** Maps a copy-on-write child of each of {@code snapshot}'s regions, charged to {@link #budget}. */
    private void mapClonesOf(MemorySnapshot snapshot) {
        for (MemorySnapshot.Region r : snapshot.regions()) {
            Vmo child = r.vmo().createChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, r.length(), budget);
            owned.add(child);
            // Spans come after the memory's own region and are mapped over it.
            root.map(r.perms() | Vmar.SPECIFIC_OVERWRITE, r.address(), child, 0, r.length());
        }
    }

    /**
     * Freezes this memory for cloning: a copy-on-write child of every mapping (RFC-0013), each
     * charged to {@code budget}. The memory stays usable. When the memory's own pages span more
     * than one mapping (every {@code memory.grow} adds one), their committed pages are then
     * copied into one VMO, once, so that a clone maps one child instead of hundreds; mapped
     * spans stay regions of their own.
     */
    public MemorySnapshot snapshot(MemoryBudget budget) {
        java.util.Set<Long> ownKoids = new java.util.HashSet<>();
        owned.forEach(v -> ownKoids.add(v.koid()));
        List<MemorySnapshot.Region> own = new ArrayList<>();
        List<MemorySnapshot.Region> spans = new ArrayList<>();
        try {
            for (MapEntry e : root.maps()) {
                if (e.type() == MapEntry.Type.MAPPING) {
                    Vmo frozen = root.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, e.base(), e.size(), budget);
                    (ownKoids.contains(e.vmoKoid()) ? own : spans)
                            .add(new MemorySnapshot.Region(e.base(), e.size(), e.perms(), frozen));
                }
            }
            List<MemorySnapshot.Region> regions = new ArrayList<>(own.size() <= 1 ? own : List.of(merge(own, budget)));
            regions.addAll(spans);
            return new MemorySnapshot(pages, regions);
        } catch (RuntimeException ex) {
            own.forEach(r -> r.vmo().close());
            spans.forEach(r -> r.vmo().close());
            throw ex;
        }
    }

    /** One VMO holding the non-zero pages of the memory's own regions, which it closes. */
    private MemorySnapshot.Region merge(List<MemorySnapshot.Region> own, MemoryBudget budget) {
        long bytes = (long) pages * WASM_PAGE;
        Vmo merged = Vmo.builder(bytes).withName("snapshot").withBudget(budget).build();
        byte[] page = new byte[VMO_PAGE];
        for (MemorySnapshot.Region r : own) {
            for (long off = 0; off < r.length() && r.address() + off < bytes; off += page.length) {
                r.vmo().read(page, off);
                if (!allZero(page)) {
                    merged.write(page, r.address() + off);
                }
            }
        }
        own.forEach(r -> r.vmo().close());
        own.clear();
        return new MemorySnapshot.Region(0, bytes, Vmar.PERM_READ | Vmar.PERM_WRITE, merged);
    }

    private static boolean allZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether every page is one of this memory's own that nothing has written: all read as zero. */
    private boolean onlyUnwrittenPages() {
        if (foreignPagesMapped) {
            return false;
        }
        for (Vmo v : owned) {
            if (v.info().committedBytes() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Maps zero pages over Wasm pages [from, from + count); zero pages commit nothing. */
    private void mapFreshPages(int from, int count) {
        if (count > 0) {
            long bytes = (long) count * WASM_PAGE;
            Vmo fresh = newVmo(bytes);
            owned.add(fresh);
            root.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC_OVERWRITE, (long) from * WASM_PAGE, fresh, 0, bytes);
        }
    }

    /** A factory for Chicory's {@code withMemoryFactory}: fresh memories with no image and no budget. */
    public static Function<MemoryLimits, Memory> factory() {
        return limits -> new VmoMemory(limits, (MemoryImage) null, null);
    }

    private Vmo newVmo(long bytes) {
        Vmo.Builder b = Vmo.builder(bytes).withName("wasm-memory");
        if (budget != null) {
            b.withBudget(budget);
        }
        return b.build();
    }

    /** Maps {@code len} bytes of {@code vmo} at {@code address}, replacing what was there. */
    public void mapOver(int address, Vmo vmo, long vmoOffset, long len, boolean writable) {
        foreignPagesMapped = true;
        int perms = Vmar.PERM_READ | (writable ? Vmar.PERM_WRITE : 0);
        root.map(perms | Vmar.SPECIFIC_OVERWRITE, Integer.toUnsignedLong(address), vmo, vmoOffset, len);
    }

    /** Unmaps everything and closes the VMOs this memory made; the caller's span VMOs stay open. */
    public void release() {
        root.destroy();
        for (Vmo v : owned) {
            v.close();
        }
        owned.clear();
    }

    // ---- sizes

    @Override
    public int pages() {
        return pages;
    }

    @Override
    public int grow(int delta) {
        int old = pages;
        long wanted = (long) old + delta;
        if (delta < 0 || wanted > maximumPages()) {
            return -1;
        }
        if (delta == 0) {
            return old;
        }
        try {
            mapFreshPages(old, delta);
        } catch (ZxException e) {
            if (e.status() == Status.NO_MEMORY) {
                return -1;
            }
            throw e;
        }
        pages = (int) wanted;
        return old;
    }

    @Override
    public int initialPages() {
        return limits.initialPages();
    }

    @Override
    public int maximumPages() {
        return maximumPages(limits);
    }

    private static int maximumPages(MemoryLimits limits) {
        return Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
    }

    /** Exactly {@code maximumPages() * 64 KiB} bytes, so no access can land past it. */
    private static Vmar addressSpace(MemoryLimits limits) {
        return Vmar.createRoot(Math.max(1L, (long) maximumPages(limits)) * WASM_PAGE);
    }

    @Override
    public boolean shared() {
        return false;
    }

    // The four methods below are abstract in Chicory's Memory yet deprecated for removal: a
    // non-shared memory (the only kind an engine gets) answers them as ByteArrayMemory does.

    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public Object lock(int address) {
        throw new UnsupportedOperationException("a non-shared memory has no lock");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        return 0;
    }

    // ---- segments

    /**
     * Applies the active segments. Chicory calls it right after {@link #zero}, so when the image
     * holds the segments, mapping a copy-on-write child of it over the zeroed pages gives the
     * same contents and copies nothing.
     */
    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments;
        if (segments == null || restored) {
            return;
        }
        if (image != null && memoryIndex == 0) {
            if (image.bytes() > 0) {
                Vmo child = image.cloneForProcess(budget);
                owned.add(child);
                foreignPagesMapped = true;
                root.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC_OVERWRITE, 0, child, 0, image.bytes());
            }
            return;
        }
        for (DataSegment s : segments) {
            if (s instanceof ActiveDataSegment active) {
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) com.dylibso.chicory.runtime.ConstantEvaluators
                        .computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                checkBounds(offset, data.length, sizeInBytes(), true);
                write(offset, data, 0, data.length);
            } else if (!(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + s);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        write(dest, dataSegments[segmentId].data(), offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    // ---- bounds and faults

    private long sizeInBytes() {
        return (long) pages * WASM_PAGE;
    }

    /** Chicory's own bounds rule and message, so traps read the same with either memory. */
    private static void checkBounds(int addr, int size, long limit, boolean instantiating) {
        if (addr < 0 || size < 0 || addr > limit || (size > 0 && (long) addr + size > limit)) {
            String message = "out of bounds memory access: attempted to access address: " + addr
                    + " but limit is: " + limit + " and size: " + size;
            throw instantiating ? new UninstantiableException(message) : new WasmRuntimeException(message);
        }
    }

    private RuntimeException fault(ZxException e, int addr, int size) {
        if (e instanceof PageFaultException pf && pf.kind() == PageFaultException.Kind.NOT_WRITABLE) {
            return new ReadOnlyWriteTrap("write to read-only memory at address " + pf.address());
        }
        if (e instanceof PageFaultException) {
            return outOfBounds(addr, size);
        }
        if (e.status() == Status.NO_MEMORY) {
            return new MemoryLimitExceeded("committed-bytes limit reached at address " + addr);
        }
        return e;
    }

    private WasmRuntimeException outOfBounds(int addr, int size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + sizeInBytes() + " and size: " + size);
    }

    /**
     * A load that faults. Chicory's memory reads a value that straddles a 64 KiB page byte by
     * byte and reports the first byte out of bounds; report the same.
     */
    private RuntimeException readFault(ZxException e, int addr, int size) {
        if (e instanceof PageFaultException && (addr & (WASM_PAGE - 1)) + size > WASM_PAGE) {
            long limit = sizeInBytes();
            for (int i = 0; i < size; i++) {
                int b = addr + i;
                if (b < 0 || b >= limit) {
                    return outOfBounds(b, 1);
                }
            }
        }
        return fault(e, addr, size);
    }

    // ---- loads and stores: readShort, readInt, readLong, writeByte, writeShort and writeLong
    // are the view's own; the rest are one call away from them.

    @Override
    protected RuntimeException accessFault(ZxException e, int addr, int size, boolean write) {
        return write ? fault(e, addr, size) : readFault(e, addr, size);
    }

    @Override
    public byte read(int addr) {
        return readByte(addr);
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        return Float.intBitsToFloat(readInt(addr));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public double readDouble(int addr) {
        return Double.longBitsToDouble(readLong(addr));
    }

    @Override
    public void writeI32(int addr, int data) {
        writeInt(addr, data);
    }

    @Override
    public void writeF32(int addr, float data) {
        writeInt(addr, Float.floatToRawIntBits(data));
    }

    @Override
    public void writeF64(int addr, double data) {
        writeLong(addr, Double.doubleToRawLongBits(data));
    }

    // ---- bulk: the whole range is checked first, so a trapping bulk operation writes nothing

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        checkBounds(offset, size, data.length, false);
        checkBounds(addr, size, sizeInBytes(), false);
        try {
            super.write(addr, data, offset, size);
        } catch (ZxException e) {
            throw fault(e, addr, size);
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkBounds(addr, len, sizeInBytes(), false);
        byte[] out = new byte[len];
        try {
            super.read(addr, out, 0, len);
        } catch (ZxException e) {
            throw fault(e, addr, len);
        }
        return out;
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        checkBounds(fromIndex, size, sizeInBytes(), false);
        try {
            super.fill(fromIndex, size, value);
        } catch (ZxException e) {
            throw fault(e, fromIndex, size);
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkBounds(dest, size, sizeInBytes(), false);
        checkBounds(src, size, sizeInBytes(), false);
        try {
            super.copy(dest, src, size);
        } catch (ZxException e) {
            throw fault(e, dest, size);
        }
    }

    /** Replaces every page with a fresh zero page: nothing is written, nothing committed. */
    @Override
    public void zero() {
        if (restored || onlyUnwrittenPages()) {
            // Chicory zeroes every memory it instantiates: a new memory's zero pages already are.
            return;
        }
        List<Vmo> replaced = List.copyOf(owned);
        owned.clear();
        mapFreshPages(0, pages);
        foreignPagesMapped = false;
        for (Vmo v : replaced) {
            v.close();
        }
    }

}
