package dev.hermetic.host.internal;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Status;
import dev.hermetic.vmo.VmarView;
import dev.hermetic.vmo.Vmo;
import dev.hermetic.vmo.ZxException;
import java.util.function.Function;

/**
 * A Wasm linear memory whose address space is a root VMAR ({@link AddressSpace}): the
 * module's image mapped copy-on-write at 0, a fresh zero-page VMO per {@code memory.grow}, and
 * spans the host maps over them. The memory is itself the {@link VmarView} over that address
 * space: Chicory's loads and stores are the view's accessors, whose per-page translation cache
 * is the fast path, with no wrapper around them (compiled Wasm inlines one at every access,
 * within a bytecode budget). Its traps are Chicory's ({@link MemoryTraps}); it freezes with
 * {@link MemoryFreezer} and keeps its segments in {@link DataSegments}.
 * Not thread-safe: one engine thread uses it, and the host only before start and after the end.
 */
public final class VmoMemory extends VmarView implements Memory {
    /** Chicory's Wasm page, 64 KiB. */
    private static final int WASM_PAGE = Memory.PAGE_SIZE;

    /** Initial and maximum pages; the maximum is already capped by the process's page limit. */
    private final MemoryLimits limits;
    /** What is mapped where, and which VMOs are this memory's own; its root is the view's. */
    private final AddressSpace space;
    /**
     * The module's image, mapped by {@link #initialize} in place of applying the active segments
     * one by one; null when there is none or it does not hold the segments.
     */
    private final MemoryImage image;
    /** Current size in Wasm pages; every page below it is mapped readable and writable (spans aside). */
    private int pages;
    /** The module's data segments; null until Chicory hands them over in {@link #initialize}. */
    private DataSegments dataSegments;
    /**
     * True for a clone of a snapshot: its pages already hold the warm contents, so Chicory's
     * {@link #zero} and the active segments of {@link #initialize} must leave them alone.
     */
    private final boolean restored;

    /**
     * @param limits the declared limits, maximum capped by the caller
     * @param image the module's memory image, or null to start from zero pages
     * @param budget the committed-bytes quota, or null for none
     */
    public VmoMemory(MemoryLimits limits, MemoryImage image, MemoryBudget budget) {
        this(limits, new AddressSpace(maximumPages(limits), budget), image);
    }

    private VmoMemory(MemoryLimits limits, AddressSpace space, MemoryImage image) {
        super(space.root());
        this.limits = limits;
        this.space = space;
        this.image = image != null && image.holdsSegments() ? image : null;
        this.pages = limits.initialPages();
        this.restored = false;
        space.mapFreshPages(0, pages);
    }

    /**
     * A clone of {@code snapshot}: each of its regions mapped as a copy-on-write child charged
     * to {@code budget}, so the clone copies nothing until it writes.
     *
     * @param limits the declared limits, maximum capped by the caller and at least the snapshot's pages
     */
    public VmoMemory(MemoryLimits limits, MemorySnapshot snapshot, MemoryBudget budget) {
        this(limits, new AddressSpace(maximumPages(limits), budget), snapshot);
    }

    private VmoMemory(MemoryLimits limits, AddressSpace space, MemorySnapshot snapshot) {
        super(space.root());
        this.limits = limits;
        this.space = space;
        this.image = null;
        this.pages = snapshot.pages();
        this.restored = true;
        try {
            space.mapClonesOf(snapshot);
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
        pages = snapshot.pages();
        space.reset(snapshot, newBudget);
    }

    /**
     * Freezes this memory for cloning: a copy-on-write child of every mapping (RFC-0013), each
     * charged to {@code budget}, the memory's own pages merged into one when they span several
     * mappings. The memory stays usable.
     */
    public MemorySnapshot snapshot(MemoryBudget budget) {
        return MemoryFreezer.freeze(space, pages, budget);
    }

    /** A factory for Chicory's {@code withMemoryFactory}: fresh memories with no image and no budget. */
    public static Function<MemoryLimits, Memory> factory() {
        return limits -> new VmoMemory(limits, (MemoryImage) null, null);
    }

    /** Maps {@code len} bytes of {@code vmo} at {@code address}, replacing what was there. */
    public void mapOver(int address, Vmo vmo, long vmoOffset, long len, boolean writable) {
        space.mapOver(address, vmo, vmoOffset, len, writable);
    }

    /** Unmaps everything and closes the VMOs this memory made; the caller's span VMOs stay open. */
    public void release() {
        space.release();
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
            space.mapFreshPages(old, delta);
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

    private long sizeInBytes() {
        return (long) pages * WASM_PAGE;
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
        this.dataSegments = new DataSegments(segments);
        if (segments == null || restored) {
            return;
        }
        if (image != null && memoryIndex == 0) {
            space.mapImage(image);
            return;
        }
        dataSegments.writeActive(instance, memoryIndex, this, sizeInBytes());
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        dataSegments.init(this, segmentId, dest, offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments.drop(segment);
    }

    // ---- loads and stores: readShort, readInt, readLong, writeByte, writeShort and writeLong
    // are the view's own; the rest are one call away from them.

    @Override
    protected RuntimeException accessFault(ZxException e, int addr, int size, boolean write) {
        return write
                ? MemoryTraps.fault(e, addr, size, sizeInBytes())
                : MemoryTraps.readFault(e, addr, size, sizeInBytes());
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
        MemoryTraps.checkBounds(offset, size, data.length, false);
        MemoryTraps.checkBounds(addr, size, sizeInBytes(), false);
        try {
            super.write(addr, data, offset, size);
        } catch (ZxException e) {
            throw MemoryTraps.fault(e, addr, size, sizeInBytes());
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        MemoryTraps.checkBounds(addr, len, sizeInBytes(), false);
        byte[] out = new byte[len];
        try {
            super.read(addr, out, 0, len);
        } catch (ZxException e) {
            throw MemoryTraps.fault(e, addr, len, sizeInBytes());
        }
        return out;
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        MemoryTraps.checkBounds(fromIndex, size, sizeInBytes(), false);
        try {
            super.fill(fromIndex, size, value);
        } catch (ZxException e) {
            throw MemoryTraps.fault(e, fromIndex, size, sizeInBytes());
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        MemoryTraps.checkBounds(dest, size, sizeInBytes(), false);
        MemoryTraps.checkBounds(src, size, sizeInBytes(), false);
        try {
            super.copy(dest, src, size);
        } catch (ZxException e) {
            throw MemoryTraps.fault(e, dest, size, sizeInBytes());
        }
    }

    /** Replaces every page with a fresh zero page: nothing is written, nothing committed. */
    @Override
    public void zero() {
        if (restored || space.onlyUnwrittenPages()) {
            // Chicory zeroes every memory it instantiates: a new memory's zero pages already are.
            return;
        }
        space.replaceWithFreshPages(pages);
    }
}
