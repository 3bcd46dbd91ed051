package dev.hermetic.vmo;

import dev.hermetic.vmo.internal.Mapping;
import dev.hermetic.vmo.internal.Page;
import dev.hermetic.vmo.internal.TranslationCache;
import dev.hermetic.vmo.internal.VmarObject;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A fast accessor over the address space of a root VMAR, with a per-page translation cache.
 *
 * <p>For every 4 KiB page it may hold the page's array for reads and, only when the page is
 * committed, unshared and mapped writable, the same array for writes: such accesses are one
 * array access with no lock. A miss, a page-crossing access or a write to a shared or zero page
 * takes this address space's lock and the lock of the mapped VMO's page store (no lock shared
 * with other address spaces, except a frozen snapshot's for the moment a write fault stops
 * seeing its page), resolves the mapping, performs the copy-on-write fault (charging the
 * budget) and refills the entries, or throws {@link PageFaultException}. An access that faults
 * changes nothing. Whatever shares a page or changes a mapping clears the affected entries of
 * every view before it returns.
 *
 * <p>Threading contract: a view is used by one thread at a time, and other threads change the
 * address space or its VMOs only while that thread is not accessing it (the host touches an
 * engine's memory only before it starts and after it exits). That is why the cache arrays are
 * plain fields, read without a lock; they are written (filled, grown, invalidated) only under
 * {@link #cacheLock}, since page stores on other threads invalidate entries while this view's
 * thread may be filling others. Addresses are {@code int}s in [0, 2^31); a negative address faults.
 *
 * <p>A class whose own hot path is these accesses (a Wasm linear memory) extends the view
 * rather than holding one, so the accessors are its own methods with no wrapper around them,
 * and overrides {@link #accessFault} to throw its own exceptions. The view never calls its own
 * public methods.
 */
public class VmarView {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SHIFT = Page.SHIFT;
    private static final int SIZE = Page.SIZE;
    private static final int MASK = SIZE - 1;
    /** Pages an int address can reach; a longer cache could never be hit. */
    private static final int MAX_PAGES = 1 << (31 - SHIFT);

    /** The address space; its views list holds {@link #invalidator} weakly. */
    private final VmarObject root;
    /**
     * Array to read page p from, or null if unknown. Length <= MAX_PAGES, grown on demand up to
     * the highest page touched, so a negative address ({@code addr >>> 12 >= MAX_PAGES}) always misses.
     */
    private byte[][] readPages = new byte[0][];
    /**
     * Array to write page p in place, or null. Non-null only while the page is committed,
     * held by no other page store and mapped with PERM_WRITE; same length as {@link #readPages}.
     */
    private byte[][] writePages = new byte[0][];
    /**
     * Pages whose entries may be non-null, in the order they were filled: {@code filled[0..filledCount)},
     * so that clearing a range costs the pages touched since, not the range (a reset of a large
     * memory clears all of it, though a request touched a few pages). Every page with a non-null
     * entry is listed, perhaps more than once or after it was cleared by range; past {@link #FILL_LOG}
     * entries the log stops and {@code filledCount} is -1: unknown, every clear then walks its
     * range, until one clears the whole cache. Guarded by {@link #cacheLock}.
     */
    private int[] filled = new int[16];
    private int filledCount;
    /** Entries the fill log keeps before it gives up; clearing that many by range is as cheap. */
    private static final int FILL_LOG = 1024;
    /**
     * Write faults this view resolved by committing a page: a copy of a shared page or a fresh
     * zero page. Only grows; counted under the address space's lock, read by the view's own thread or
     * after it stopped.
     */
    private long copyOnWriteFaults;
    /** Registered with the root; clears entries when the address space or its pages change. */
    private final TranslationCache invalidator = this::invalidate;
    /** Guards writes to {@link #readPages} and {@link #writePages}; the last lock ever taken. */
    private final Object cacheLock = new Object();

    VmarView(VmarObject object) {
        this.root = object.rootObject();
        root.register(invalidator);
    }

    /** A view over the address space {@code vmar} belongs to, as {@link Vmar#view()} makes. */
    protected VmarView(Vmar vmar) {
        this(vmar.viewedObject());
    }

    /**
     * What a load or store of {@code size} bytes at {@code addr} that faults throws; by default
     * the fault itself ({@link PageFaultException}, or {@link ZxException} NO_MEMORY when the
     * copy-on-write copy is over budget).
     */
    protected RuntimeException accessFault(ZxException fault, int addr, int size, boolean write) {
        return fault;
    }

    /** Write faults resolved by committing a page (a copy-on-write copy or a fresh zero page). */
    public long copyOnWriteFaults() {
        return copyOnWriteFaults;
    }

    // ---- fast paths ------------------------------------------------------------------------

    // Each hit is one array load, a null check and the access, in as few bytecodes as possible:
    // compiled Wasm inlines an accessor at every load and store, and HotSpot stops inlining a
    // method once the bytecodes it has inlined pass a budget (DesiredMethodLimit), after which
    // accesses become calls. A miss (null entry) branches to the slow path; a page index past
    // the cache or an access across a page boundary, both rare, lands there by exception.

    public byte readByte(int addr) {
        try {
            byte[] page = readPages[addr >>> SHIFT];
            if (page != null) {
                return page[addr & MASK];
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        return (byte) readSlow(addr, 1);
    }

    public short readShort(int addr) {
        try {
            byte[] page = readPages[addr >>> SHIFT];
            if (page != null) {
                return (short) SHORT.get(page, addr & MASK);
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        return (short) readSlow(addr, 2);
    }

    public int readInt(int addr) {
        try {
            byte[] page = readPages[addr >>> SHIFT];
            if (page != null) {
                return (int) INT.get(page, addr & MASK);
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        return (int) readSlow(addr, 4);
    }

    public long readLong(int addr) {
        try {
            byte[] page = readPages[addr >>> SHIFT];
            if (page != null) {
                return (long) LONG.get(page, addr & MASK);
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        return readSlow(addr, 8);
    }

    public void writeByte(int addr, byte value) {
        try {
            byte[] page = writePages[addr >>> SHIFT];
            if (page != null) {
                page[addr & MASK] = value;
                return;
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        writeSlow(addr, 1, value);
    }

    public void writeShort(int addr, short value) {
        try {
            byte[] page = writePages[addr >>> SHIFT];
            if (page != null) {
                SHORT.set(page, addr & MASK, value);
                return;
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        writeSlow(addr, 2, value);
    }

    public void writeInt(int addr, int value) {
        try {
            byte[] page = writePages[addr >>> SHIFT];
            if (page != null) {
                INT.set(page, addr & MASK, value);
                return;
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        writeSlow(addr, 4, value);
    }

    public void writeLong(int addr, long value) {
        try {
            byte[] page = writePages[addr >>> SHIFT];
            if (page != null) {
                LONG.set(page, addr & MASK, value);
                return;
            }
        } catch (IndexOutOfBoundsException pastCacheOrAcrossPages) {
            // the slow path below
        }
        writeSlow(addr, 8, value);
    }

    // ---- bulk operations -------------------------------------------------------------------

    /** Copies {@code len} bytes at {@code addr} into {@code dst[off..]}; all or nothing. */
    public void read(int addr, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        if (!cached(addr, len, false)) {
            synchronized (root.lock()) {
                check(addr, len, false);
            }
        }
        long pos = addr;
        int done = 0;
        while (done < len) {
            int o = (int) (pos & MASK);
            int n = Math.min(len - done, SIZE - o);
            System.arraycopy(array((int) (pos >>> SHIFT), false), o, dst, off + done, n);
            done += n;
            pos += n;
        }
    }

    /** Copies {@code src[off..off+len)} to {@code addr}; all or nothing. */
    public void write(int addr, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (!cached(addr, len, true)) {
            synchronized (root.lock()) {
                check(addr, len, true);
            }
        }
        long pos = addr;
        int done = 0;
        while (done < len) {
            int o = (int) (pos & MASK);
            int n = Math.min(len - done, SIZE - o);
            System.arraycopy(src, off + done, array((int) (pos >>> SHIFT), true), o, n);
            done += n;
            pos += n;
        }
    }

    /** Sets {@code len} bytes at {@code addr} to {@code value}; all or nothing. */
    public void fill(int addr, int len, byte value) {
        if (len < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative length " + len);
        }
        if (!cached(addr, len, true)) {
            synchronized (root.lock()) {
                check(addr, len, true);
            }
        }
        long pos = addr;
        long end = (long) addr + len;
        while (pos < end) {
            int o = (int) (pos & MASK);
            int n = (int) Math.min(end - pos, SIZE - o);
            Arrays.fill(array((int) (pos >>> SHIFT), true), o, o + n, value);
            pos += n;
        }
    }

    /** Copies {@code len} bytes from {@code src} to {@code dst}; the ranges may overlap (memmove). */
    public void copy(int dst, int src, int len) {
        if (len < 0) {
            throw new ZxException(Status.INVALID_ARGS, "negative length " + len);
        }
        if (!cached(src, len, false) || !cached(dst, len, true)) {
            synchronized (root.lock()) {
                check(src, len, false);
                check(dst, len, true);
            }
        }
        if (dst <= src) {
            long i = 0;
            while (i < len) {
                long s = src + i;
                long d = dst + i;
                int n = (int) Math.min(len - i, Math.min(SIZE - (s & MASK), SIZE - (d & MASK)));
                byte[] to = array((int) (d >>> SHIFT), true);
                System.arraycopy(array((int) (s >>> SHIFT), false), (int) (s & MASK), to, (int) (d & MASK), n);
                i += n;
            }
        } else {
            long j = len;
            while (j > 0) {
                long s = src + j - 1;
                long d = dst + j - 1;
                int n = (int) Math.min(j, Math.min((s & MASK) + 1, (d & MASK) + 1));
                byte[] to = array((int) (d >>> SHIFT), true);
                System.arraycopy(array((int) (s >>> SHIFT), false), (int) ((s & MASK) - n + 1), to,
                        (int) ((d & MASK) - n + 1), n);
                j -= n;
            }
        }
    }

    // ---- slow paths ------------------------------------------------------------------------

    /** True when every page of [addr, addr+len) has a cached entry for the access. */
    private boolean cached(int addr, int len, boolean write) {
        if (addr < 0 || len < 0) {
            return false;
        }
        byte[][] cache = write ? writePages : readPages;
        long last = ((long) addr + Math.max(len, 1) - 1) >>> SHIFT;
        if (last >= cache.length) {
            return false;
        }
        for (int p = addr >>> SHIFT; p <= last; p++) {
            if (cache[p] == null) {
                return false;
            }
        }
        return true;
    }

    private long readSlow(int addr, int size) {
        try {
            synchronized (root.lock()) {
                check(addr, size, false);
                long value = 0;
                for (int i = 0; i < size; i++) {
                    long a = (long) addr + i;
                    value |= (array((int) (a >>> SHIFT), false)[(int) (a & MASK)] & 0xFFL) << (8 * i);
                }
                return value;
            }
        } catch (ZxException fault) {
            throw accessFault(fault, addr, size, false);
        }
    }

    private void writeSlow(int addr, int size, long value) {
        try {
            synchronized (root.lock()) {
                check(addr, size, true);
                for (int i = 0; i < size; i++) {
                    long a = (long) addr + i;
                    array((int) (a >>> SHIFT), true)[(int) (a & MASK)] = (byte) (value >>> (8 * i));
                }
            }
        } catch (ZxException fault) {
            throw accessFault(fault, addr, size, true);
        }
    }

    /** Throws the fault of the first page of [addr, addr+len) the access may not touch. */
    private void check(int addr, long len, boolean write) {
        if (len == 0) {
            return;
        }
        long end = (long) addr + len;
        for (long a = addr; a < end; a = (a & ~(long) MASK) + SIZE) {
            Mapping m = mappingAt(a);
            synchronized (m.pageLock()) {
                checkAccess(m, a, write);
            }
        }
    }

    /** The mapping at {@code addr}, or the NOT_MAPPED fault; under the address space's lock. */
    private Mapping mappingAt(long addr) {
        if (addr < 0 || addr >= ((long) MAX_PAGES << SHIFT)) {
            throw new PageFaultException(PageFaultException.Kind.NOT_MAPPED, addr);
        }
        Mapping m = root.find(addr);
        if (m == null) {
            throw new PageFaultException(PageFaultException.Kind.NOT_MAPPED, addr);
        }
        return m;
    }

    /** Throws the fault of the access at {@code addr} through {@code m}, if any; under {@code m.pageLock()}. */
    private static void checkAccess(Mapping m, long addr, boolean write) {
        if (!m.backed(addr)) {
            throw new PageFaultException(PageFaultException.Kind.NOT_MAPPED, addr);
        }
        if (write && (m.perms() & Vmar.PERM_WRITE) == 0) {
            throw new PageFaultException(PageFaultException.Kind.NOT_WRITABLE, addr);
        }
        if (!write && (m.perms() & Vmar.PERM_READ) == 0) {
            throw new PageFaultException(PageFaultException.Kind.NOT_READABLE, addr);
        }
    }

    /** The array for page {@code p}: the cached entry, or a fault that fills it. */
    private byte[] array(int p, boolean write) {
        byte[][] cache = write ? writePages : readPages;
        if (p < cache.length && cache[p] != null) {
            return cache[p];
        }
        synchronized (root.lock()) {
            long addr = (long) p << SHIFT;
            Mapping m = mappingAt(addr);
            // The store's lock keeps the page's sharing as found until the entry is filled:
            // whatever changes it invalidates under that lock.
            synchronized (m.pageLock()) {
                checkAccess(m, addr, write);
                if (write && !m.exclusivePage(addr)) {
                    copyOnWriteFaults++;
                }
                byte[] page = write ? m.ownedPage(addr) : m.readablePage(addr);
                boolean readable = (m.perms() & Vmar.PERM_READ) != 0;
                boolean writable = (m.perms() & Vmar.PERM_WRITE) != 0 && (write || m.exclusivePage(addr));
                synchronized (cacheLock) {
                    ensureCapacity(p);
                    if (readPages[p] == null && writePages[p] == null) {
                        logFill(p);
                    }
                    readPages[p] = readable ? page : null;
                    writePages[p] = writable ? page : null;
                }
                return page;
            }
        }
    }

    /** Grows the cache to hold page {@code p}, at most up to the last page mapped now; under the root's lock. */
    private void ensureCapacity(int p) {
        if (p >= readPages.length) {
            // Past the mapped end every access faults: room there would be heap every clone holds for nothing.
            long limit = Math.min(MAX_PAGES, (root.occupiedEnd() + MASK) >>> SHIFT);
            int length = (int) Math.max(p + 1L, Math.min(limit, Math.max(16L, 2L * readPages.length)));
            readPages = Arrays.copyOf(readPages, length);
            writePages = Arrays.copyOf(writePages, readPages.length);
        }
    }

    /** Lists page {@code p} as filled; under {@link #cacheLock}. */
    private void logFill(int p) {
        if (filledCount < 0) {
            return;
        }
        if (filledCount == FILL_LOG) {
            filledCount = -1;
            return;
        }
        if (filledCount == filled.length) {
            filled = Arrays.copyOf(filled, Math.min(FILL_LOG, 2 * filled.length));
        }
        filled[filledCount++] = p;
    }

    /** Forgets the entries of addresses [from, to); called by whoever changed them, on any thread. */
    private void invalidate(long from, long to) {
        synchronized (cacheLock) {
            int length = readPages.length;
            int first = (int) Math.max(0, from >>> SHIFT);
            int last = (int) Math.min(length, (to + MASK) >>> SHIFT);
            if (first >= last) {
                return;
            }
            if (filledCount < 0 || last - first <= filledCount) {
                // Unknown, or the range is the cheaper walk (a write fault clears one page): the
                // log keeps the pages' entries, listed still, which is allowed.
                Arrays.fill(readPages, first, last, null);
                Arrays.fill(writePages, first, last, null);
                if (first == 0 && last == length) {
                    filledCount = 0;
                }
                return;
            }
            // Clear the listed pages in range and drop them from the list; the rest keep their entries.
            int kept = 0;
            for (int k = 0; k < filledCount; k++) {
                int p = filled[k];
                if (p >= first && p < last) {
                    readPages[p] = null;
                    writePages[p] = null;
                } else {
                    filled[kept++] = p;
                }
            }
            filledCount = kept;
        }
    }

    /** Number of page entries the cache currently holds room for (grows with the pages touched). */
    public int cachedPageCapacity() {
        return readPages.length;
    }
}
