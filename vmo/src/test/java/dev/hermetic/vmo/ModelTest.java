package dev.hermetic.vmo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * Several threads create, clone (snapshots, slices, createVmoChild), close, resize, zero and
 * write VMOs from one shared pool, through handles and through their own VMAR views, and
 * check every read against a reference model in which a snapshot is an eager copy. Each model
 * buffer has a lock held while the VMOs on it are used, which makes every operation atomic
 * with respect to the model; the VMOs still share pages across threads underneath.
 *
 * <p>{@code -Dvmo.model.seed=N} replays a run, {@code -Dvmo.model.ops=N} sets the total
 * operation count (default 1,200,000).
 */
class ModelTest {
    private static final int PAGE = 4096;
    private static final int MAX_PAGES = 8;
    private static final int POOL = 40;
    private static final int THREADS = Integer.getInteger("vmo.model.threads", 4);
    private static final int SLOTS = 4;
    private static final int SLOT = MAX_PAGES * PAGE;

    /** The bytes behind one VMO and its slices; {@code data.length} is the owner's size. */
    static final class Buffer {
        byte[] data;
        final ReentrantLock lock = new ReentrantLock();

        Buffer(int size) {
            data = new byte[size];
        }
    }

    /** A VMO handle in the pool and its model: bytes [offset, offset+size) of {@code buf}. */
    static final class Entry {
        final long id;
        final Vmo vmo;
        final Buffer buf;
        final int offset;
        /** Fixed size of a slice; -1 for the owner of {@code buf}, whose size is the buffer's. */
        final int sliceSize;
        final boolean resizable;
        /** Set under {@code buf.lock} when the handle is closed. */
        boolean closed;

        Entry(long id, Vmo vmo, Buffer buf, int offset, int sliceSize, boolean resizable) {
            this.id = id;
            this.vmo = vmo;
            this.buf = buf;
            this.offset = offset;
            this.sliceSize = sliceSize;
            this.resizable = resizable;
        }

        int size() {
            return sliceSize >= 0 ? sliceSize : buf.data.length;
        }

        byte[] bytes(int from, int len) {
            return Arrays.copyOfRange(buf.data, offset + from, offset + from + len);
        }
    }

    /** What a thread has mapped at one slot of its own address space. */
    static final class Slot {
        Entry entry;
        boolean writable;
        int vmoOffset;
    }

    private final AtomicReferenceArray<Entry> pool = new AtomicReferenceArray<>(POOL);
    private final AtomicLong ids = new AtomicLong();
    private final MemoryBudget budget = MemoryBudget.unlimited();

    @Test
    void randomizedOperationsMatchTheModel() throws Exception {
        long seed = Long.getLong("vmo.model.seed", System.nanoTime());
        long ops = Long.getLong("vmo.model.ops", 1_200_000);
        List<Throwable> failures = new ArrayList<>();
        Thread[] threads = new Thread[THREADS];
        Worker[] workers = new Worker[THREADS];
        for (int t = 0; t < THREADS; t++) {
            workers[t] = new Worker(t, new Random(seed * 31 + t), ops / THREADS);
            threads[t] = new Thread(workers[t], "model-" + t);
            threads[t].setUncaughtExceptionHandler((th, e) -> {
                synchronized (failures) {
                    failures.add(e);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("model test failed; replay with -Dvmo.model.seed=" + seed,
                    failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
        long done = 0;
        for (Worker w : workers) {
            done += w.done;
            w.root.destroy();
        }
        assertThat(done).as("seed %d", seed).isGreaterThanOrEqualTo(ops - THREADS);
        for (int i = 0; i < POOL; i++) {
            Entry e = pool.get(i);
            if (e != null) {
                byte[] real = new byte[e.size()];
                e.vmo.read(real, 0);
                assertThat(real).as("seed %d final contents of vmo %d", seed, e.id).isEqualTo(e.bytes(0, e.size()));
                e.vmo.close();
            }
        }
        assertThat(budget.committedBytes()).as("seed %d: pages leaked after closing everything", seed).isZero();
    }

    private final class Worker implements Runnable {
        final int index;
        final Random rnd;
        final long ops;
        final Vmar root = Vmar.createRoot((long) SLOTS * SLOT);
        final VmarView view = root.view();
        final Slot[] slots = new Slot[SLOTS];
        long done;
        long op;

        Worker(int index, Random rnd, long ops) {
            this.index = index;
            this.rnd = rnd;
            this.ops = ops;
            for (int i = 0; i < SLOTS; i++) {
                slots[i] = new Slot();
            }
        }

        @Override
        public void run() {
            for (op = 0; op < ops; op++) {
                int kind = rnd.nextInt(100);
                try {
                    step(kind);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("thread " + index + " op " + op + " kind " + kind + ": " + e, e);
                }
                done++;
            }
        }

        private void step(int kind) {
            if (kind < 3) {
                create();
            } else if (kind < 5) {
                clone(pick());
            } else if (kind < 6) {
                close(pick());
            } else if (kind < 7) {
                resize(pick());
            } else if (kind < 8) {
                zero(pick());
            } else if (kind < 22) {
                handleWrite(pick());
            } else if (kind < 32) {
                handleRead(pick());
            } else if (kind < 35) {
                mapOrUnmap(slots[rnd.nextInt(SLOTS)]);
            } else if (kind < 36) {
                vmoChildOfSlot(rnd.nextInt(SLOTS));
            } else if (kind < 68) {
                viewAccess(rnd.nextInt(SLOTS), true);
            } else {
                viewAccess(rnd.nextInt(SLOTS), false);
            }
        }

        private int pick() {
            return rnd.nextInt(POOL);
        }

        /** Locks the entry's buffer if the entry is live; returns null otherwise. */
        private Entry lock(Entry e) {
            if (e == null) {
                return null;
            }
            e.buf.lock.lock();
            if (e.closed) {
                e.buf.lock.unlock();
                return null;
            }
            return e;
        }

        /** Runs {@code body} on the live entry at {@code at} under its buffer's lock; skips a closed or empty slot. */
        private void withEntry(int at, java.util.function.Consumer<Entry> body) {
            Entry e = lock(pool.get(at));
            if (e == null) {
                return;
            }
            try {
                body.accept(e);
            } finally {
                e.buf.lock.unlock();
            }
        }

        private void publish(Entry e) {
            int at = pick();
            if (!pool.compareAndSet(at, null, e)) {
                e.vmo.close();
            }
        }

        private void create() {
            int size = 1 + rnd.nextInt(MAX_PAGES * PAGE);
            boolean resizable = rnd.nextBoolean();
            Vmo vmo = Vmo.builder(size).withResizable(resizable).withBudget(budget).build();
            publish(new Entry(ids.incrementAndGet(), vmo, new Buffer(roundUp(size)), 0, -1, resizable));
        }

        private void clone(int at) {
            withEntry(at, e -> {
                int r = rnd.nextInt(3);
                if (r == 0 && !e.resizable) {
                    int off = rnd.nextInt(e.size() / PAGE + 1) * PAGE;
                    int len = rnd.nextInt(e.size() - off + 1);
                    Vmo slice = e.vmo.createChild(Vmo.SLICE, off, len);
                    publish(new Entry(ids.incrementAndGet(), slice, e.buf, e.offset + off, roundUp(len), false));
                } else {
                    int off = rnd.nextInt(MAX_PAGES + 1) * PAGE;
                    int len = 1 + rnd.nextInt(MAX_PAGES * PAGE);
                    boolean resizable = rnd.nextBoolean();
                    int options = (r == 1 ? Vmo.SNAPSHOT : Vmo.SNAPSHOT_AT_LEAST_ON_WRITE)
                            | (resizable ? Vmo.RESIZABLE : 0);
                    Vmo child = e.vmo.createChild(options, off, len);
                    publish(snapshotEntry(child, e, off, len, resizable));
                }
            });
        }

        private Entry snapshotEntry(Vmo child, Entry parent, int off, int len, boolean resizable) {
            Buffer copy = new Buffer(roundUp(len));
            int n = Math.max(0, Math.min(copy.data.length, parent.size() - off));
            if (n > 0) {
                System.arraycopy(parent.buf.data, parent.offset + off, copy.data, 0, n);
            }
            return new Entry(ids.incrementAndGet(), child, copy, 0, -1, resizable);
        }

        private void close(int at) {
            withEntry(at, e -> {
                if (pool.compareAndSet(at, e, null)) {
                    e.closed = true;
                    e.vmo.close();
                }
            });
        }

        private void resize(int at) {
            Entry e = lock(pool.get(at));
            if (e == null) {
                return;
            }
            try {
                if (!e.resizable) {
                    assertThat(statusOf(() -> e.vmo.setSize(PAGE))).isEqualTo(Status.UNAVAILABLE);
                    return;
                }
                int size = rnd.nextInt(MAX_PAGES * PAGE + 1);
                e.vmo.setSize(size);
                byte[] data = Arrays.copyOf(e.buf.data, roundUp(size));
                Arrays.fill(data, Math.min(size, data.length), data.length, (byte) 0);
                e.buf.data = data;
                assertThat(e.vmo.size()).isEqualTo(data.length);
            } finally {
                e.buf.lock.unlock();
            }
        }

        private void zero(int at) {
            withEntry(at, e -> {
                int off = rnd.nextInt(e.size() + 1);
                int len = rnd.nextInt(e.size() - off + 1);
                e.vmo.opRange(Vmo.OP_COMMIT, off, len);
                if (rnd.nextBoolean()) {
                    e.vmo.opRange(Vmo.OP_ZERO, off, len);
                    Arrays.fill(e.buf.data, e.offset + off, e.offset + off + len, (byte) 0);
                }
            });
        }

        /** A write tagged with (vmo id, op id) so a misplaced byte names its origin. */
        private byte[] tagged(long vmoId, int len) {
            long tag = vmoId << 40 ^ (long) index << 36 ^ op;
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                b[i] = (byte) (tag >>> (8 * (i & 7)));
            }
            return b;
        }

        private void handleWrite(int at) {
            withEntry(at, e -> {
                int off = rnd.nextInt(e.size() + 1);
                int len = rnd.nextInt(Math.min(e.size() - off, 2 * PAGE) + 1);
                byte[] data = tagged(e.id, len);
                e.vmo.write(data, off);
                System.arraycopy(data, 0, e.buf.data, e.offset + off, len);
            });
        }

        private void handleRead(int at) {
            withEntry(at, e -> {
                int off = rnd.nextInt(e.size() + 1);
                int len = rnd.nextInt(Math.min(e.size() - off, 2 * PAGE) + 1);
                byte[] real = new byte[len];
                e.vmo.read(real, off);
                if (!Arrays.equals(real, e.bytes(off, len))) {
                    throw new AssertionError("vmo " + e.id + " read [" + off + ", +" + len + ") differs from the model");
                }
            });
        }

        private void mapOrUnmap(Slot slot) {
            long base = (long) slotIndex(slot) * SLOT;
            int r = rnd.nextInt(3);
            if (r == 0) {
                root.unmap(base, SLOT);
                slot.entry = null;
            } else if (r == 1 && slot.entry != null) {
                boolean writable = rnd.nextBoolean();
                root.protect(Vmar.PERM_READ | (writable ? Vmar.PERM_WRITE : 0), base, SLOT);
                slot.writable = writable;
            } else {
                Entry e = lock(pool.get(pick()));
                if (e == null) {
                    return;
                }
                try {
                    boolean writable = rnd.nextBoolean();
                    int vmoOffset = rnd.nextInt(3) * PAGE;
                    root.map(Vmar.PERM_READ | (writable ? Vmar.PERM_WRITE : 0) | Vmar.SPECIFIC_OVERWRITE
                            | Vmar.ALLOW_FAULTS, base, e.vmo, vmoOffset, SLOT);
                    slot.entry = e;
                    slot.writable = writable;
                    slot.vmoOffset = vmoOffset;
                } finally {
                    e.buf.lock.unlock();
                }
            }
        }

        private int slotIndex(Slot slot) {
            return Arrays.asList(slots).indexOf(slot);
        }

        private void vmoChildOfSlot(int s) {
            Slot slot = slots[s];
            Entry e = slot.entry;
            if (e == null) {
                return;
            }
            e.buf.lock.lock();
            try {
                int page = rnd.nextInt(MAX_PAGES);
                int pages = 1 + rnd.nextInt(MAX_PAGES - page);
                Vmo child = root.createVmoChild(Vmo.SNAPSHOT, (long) s * SLOT + (long) page * PAGE, (long) pages * PAGE);
                publish(snapshotEntry(child, e, slot.vmoOffset + page * PAGE, pages * PAGE, false));
            } finally {
                e.buf.lock.unlock();
            }
        }

        private void viewAccess(int s, boolean write) {
            Slot slot = slots[s];
            Entry e = slot.entry;
            int width = new int[] {1, 2, 4, 8, 0}[rnd.nextInt(5)];
            int len = width == 0 ? rnd.nextInt(2 * PAGE) : width;
            int o = rnd.nextInt(SLOT - len + 1);
            int addr = s * SLOT + o;
            if (e == null) {
                if (len > 0) {
                    byte[] data = write ? new byte[len] : null;
                    PageFaultException f = expectFault(() -> access(addr, width, len, write, data));
                    assertThat(f.kind()).isEqualTo(PageFaultException.Kind.NOT_MAPPED);
                }
                return;
            }
            e.buf.lock.lock();
            try {
                int vmoIndex = slot.vmoOffset + o;
                long faultAt = -1;
                PageFaultException.Kind kind = null;
                for (int a = o; a < o + len; a = (a & ~(PAGE - 1)) + PAGE) {
                    if (slot.vmoOffset + a >= e.size()) {
                        kind = PageFaultException.Kind.NOT_MAPPED;
                    } else if (write && !slot.writable) {
                        kind = PageFaultException.Kind.NOT_WRITABLE;
                    }
                    if (kind != null) {
                        faultAt = (a & ~(PAGE - 1)) + (long) s * SLOT;
                        if (a == o) {
                            faultAt = addr;
                        }
                        break;
                    }
                }
                byte[] data = write ? tagged(e.id, len) : null;
                if (kind != null) {
                    PageFaultException f = expectFault(() -> access(addr, width, len, write, data));
                    assertThat(f.kind()).isEqualTo(kind);
                    assertThat(f.address()).isEqualTo(faultAt);
                    return;
                }
                byte[] got = access(addr, width, len, write, data);
                if (len == 0) {
                    return;
                }
                if (write) {
                    System.arraycopy(data, 0, e.buf.data, e.offset + vmoIndex, len);
                } else if (!Arrays.equals(got, e.bytes(vmoIndex, len))) {
                    throw new AssertionError("view read of vmo " + e.id + " at slot " + s + " offset " + o + " width "
                            + width + " differs from the model");
                }
            } finally {
                e.buf.lock.unlock();
            }
        }

        /** Performs the access through the view; returns the bytes read (little-endian for scalars). */
        private byte[] access(int addr, int width, int len, boolean write, byte[] data) {
            byte[] out = new byte[len];
            long v = 0;
            if (write && width > 0) {
                for (int i = 0; i < width; i++) {
                    v |= (data[i] & 0xFFL) << (8 * i);
                }
            }
            switch (width) {
                case 1 -> {
                    if (write) {
                        view.writeByte(addr, (byte) v);
                    } else {
                        v = view.readByte(addr);
                    }
                }
                case 2 -> {
                    if (write) {
                        view.writeShort(addr, (short) v);
                    } else {
                        v = view.readShort(addr);
                    }
                }
                case 4 -> {
                    if (write) {
                        view.writeInt(addr, (int) v);
                    } else {
                        v = view.readInt(addr);
                    }
                }
                case 8 -> {
                    if (write) {
                        view.writeLong(addr, v);
                    } else {
                        v = view.readLong(addr);
                    }
                }
                default -> {
                    if (write) {
                        view.write(addr, data, 0, len);
                    } else {
                        view.read(addr, out, 0, len);
                    }
                    return out;
                }
            }
            for (int i = 0; i < width; i++) {
                out[i] = (byte) (v >>> (8 * i));
            }
            return out;
        }
    }

    private static PageFaultException expectFault(Runnable r) {
        try {
            r.run();
        } catch (PageFaultException e) {
            return e;
        }
        throw new AssertionError("expected a page fault");
    }

    private static Status statusOf(Runnable r) {
        return Bytes.statusOf(r);
    }

    private static int roundUp(int size) {
        return (size + PAGE - 1) & -PAGE;
    }
}
