package dev.hermetic.vmo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Many threads serve from shared snapshots at once, with no lock of their own around the
 * module: each spawns clones (an RFC-0013 child of a zygote's address space, or a snapshot
 * child of the zygote's VMO), maps them into fresh address spaces, faults pages in by reading
 * and writing through views, closes clones, charges and releases budgets, and now and then
 * publishes a snapshot of one of its clones as a new zygote that every thread spawns from.
 * All budgets draw from one host budget.
 *
 * <p>Each thread keeps its own model (a clone is the snapshot's bytes plus its own writes) and
 * checks every read against it; a clone must see exactly its own writes over the snapshot it
 * came from. After joining, the host budget, every clone's budget, its committed pages and
 * copy-on-write faults, and the scaled bytes of all live VMOs must equal the sum of what the
 * threads expect, to the byte; after closing everything the host budget is back to 0.
 *
 * <p>{@code -Dvmo.concurrent.seed=N} replays the per-thread random choices (the interleaving
 * differs run to run), {@code -Dvmo.concurrent.threads=N} and {@code -Dvmo.concurrent.ops=N}
 * scale it.
 */
class ConcurrentModelTest {
    private static final int PAGE = 4096;
    private static final int PAGES = 16;
    private static final int SIZE = PAGES * PAGE;
    private static final int THREADS = Integer.getInteger("vmo.concurrent.threads", 8);
    private static final int OPS = Integer.getInteger("vmo.concurrent.ops", 40_000);
    private static final int ZYGOTES = 8;
    private static final int CLONES_PER_THREAD = 6;
    private static final long POOL_LIMIT = 1_000_000;
    private static final BigInteger ONE_BYTE = BigInteger.ONE.shiftLeft(63);

    /** A zygote: an address space mapping a frozen VMO at 0, and the bytes it holds. */
    record Zygote(Vmar space, Vmo vmo, byte[] bytes, long committedPages) {
    }

    /** A live clone and its model. */
    static final class Clone {
        final Vmo vmo;
        final Vmar space;
        final VmarView view;
        final MemoryBudget budget;
        final byte[] expected;
        /** Pages this clone wrote since it was spawned or last published; each took exactly one new page. */
        final Set<Integer> written = new HashSet<>();
        /** Copy-on-write faults before {@link #written} was last cleared. */
        long faultsBefore;
        /** Heap bytes charged to {@link #budget} outside the VMO. */
        long extra;
        /** Set once a snapshot of this clone was published: its pages may outlive it on its budget. */
        boolean shared;

        Clone(Vmo vmo, Vmar space, MemoryBudget budget, byte[] expected) {
            this.vmo = vmo;
            this.space = space;
            this.view = space.view();
            this.budget = budget;
            this.expected = expected;
        }
    }

    /** What one thread leaves for the checks after joining. */
    static final class Outcome {
        final List<Clone> live = new ArrayList<>();
        /** Bytes this thread holds charged to the shared pool. */
        long pooled;
        /** Bytes of clones closed while shared, whose pages snapshots may still hold on the clone's budget. */
        final List<MemoryBudget> sharedBudgets = new ArrayList<>();
    }

    private final MemoryBudget host = MemoryBudget.of(1L << 40);
    /** A budget every thread charges at once, to see that none passes its limit and none is lost. */
    private final MemoryBudget pool = host.child(POOL_LIMIT);
    private final AtomicReferenceArray<Zygote> zygotes = new AtomicReferenceArray<>(ZYGOTES);
    /** Zygotes replaced in {@link #zygotes}, still alive (their clones and snapshots may read them). */
    private final List<Zygote> retired = java.util.Collections.synchronizedList(new ArrayList<>());

    private final long seed = Long.getLong("vmo.concurrent.seed", System.nanoTime());

    @Test
    void threadsSpawnFaultAndCloseOnSharedSnapshotsWithExactAccounting() throws Exception {
        Random setup = new Random(seed);
        for (int z = 0; z < ZYGOTES; z++) {
            byte[] bytes = new byte[SIZE];
            long committed = 0;
            for (int p = 0; p < PAGES; p++) {
                if (setup.nextInt(4) != 0) {
                    for (int i = 0; i < PAGE; i += 64) {
                        bytes[p * PAGE + i] = (byte) (1 + setup.nextInt(255));
                    }
                    committed++;
                }
            }
            zygotes.set(z, zygote(bytes, committed));
        }
        long snapshotsCommitted = 0;
        for (int z = 0; z < ZYGOTES; z++) {
            snapshotsCommitted += zygotes.get(z).committedPages;
        }
        assertThat(host.committedBytes()).as("seed %d", seed).isEqualTo(snapshotsCommitted * PAGE);

        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Outcome>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            long threadSeed = seed * 31 + t;
            futures.add(pool.submit(() -> {
                start.await();
                return run(new Random(threadSeed));
            }));
        }
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get(5, TimeUnit.MINUTES));
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("seed " + seed, e.getCause());
        } finally {
            pool.shutdownNow();
        }

        // Budgets: each clone's own pages plus its extra charges; the pool to the byte.
        long pooled = 0;
        List<Vmo> live = new ArrayList<>();
        for (Outcome o : outcomes) {
            pooled += o.pooled;
            for (Clone c : o.live) {
                check(c, seed);
                if (!c.shared) {
                    assertThat(c.budget.committedBytes()).as("seed %d", seed)
                            .isEqualTo((long) c.written.size() * PAGE + c.extra);
                }
                live.add(c.vmo);
            }
        }
        assertThat(this.pool.committedBytes()).as("seed %d", seed).isEqualTo(pooled).isLessThanOrEqualTo(POOL_LIMIT);
        this.pool.charge(POOL_LIMIT - pooled);
        assertThatThrownBy(() -> this.pool.charge(1)).isInstanceOf(ZxException.class);
        this.pool.release(POOL_LIMIT);

        // Scaled bytes of every live VMO add up to every committed byte the host holds.
        List<Zygote> allZygotes = new ArrayList<>(retired);
        for (int z = 0; z < ZYGOTES; z++) {
            allZygotes.add(zygotes.get(z));
        }
        for (Zygote z : allZygotes) {
            live.add(z.vmo);
        }
        long extras = 0;
        for (Outcome o : outcomes) {
            for (Clone c : o.live) {
                extras += c.extra;
            }
        }
        assertScaledSumIs(live, host.committedBytes() - extras, seed);

        // Closing everything returns every byte.
        for (Outcome o : outcomes) {
            for (Clone c : o.live) {
                close(c);
            }
            for (MemoryBudget b : o.sharedBudgets) {
                assertThat(b.committedBytes()).isGreaterThanOrEqualTo(0);
            }
        }
        for (Zygote z : allZygotes) {
            z.space.destroy();
            z.vmo.close();
        }
        assertThat(host.committedBytes()).as("seed %d", seed).isZero();
    }

    /**
     * The spawn- and fault-heavy interleaving: every thread spawns clones of one snapshot as
     * fast as it can, reads some pages, writes every page in a random order (each write is the
     * first to that page in that clone, so every clone stops seeing every frozen page while the
     * others still do) and closes the clone. Every clone reads the snapshot's bytes and its own
     * writes; each closed clone's budget is 0; at the end the host holds the snapshot's pages
     * alone, all private to it again.
     */
    @Test
    void spawnsAndFirstWritesOfOneSnapshotFromEveryThread() throws Exception {
        byte[] bytes = new byte[SIZE];
        new Random(seed).nextBytes(bytes);
        Zygote z = zygote(bytes, PAGES);
        int rounds = Integer.getInteger("vmo.concurrent.rounds", 1_500);
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(seed * 31 + t);
            futures.add(threads.submit(() -> {
                start.await();
                for (int round = 0; round < rounds; round++) {
                    MemoryBudget budget = host.child(1L << 30);
                    Vmo vmo = round % 2 == 0
                            ? z.space.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, SIZE, budget)
                            : z.vmo.createChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, SIZE, budget);
                    Vmar space = Vmar.createRoot(SIZE);
                    space.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC, 0, vmo, 0, SIZE);
                    VmarView view = space.view();
                    byte[] expected = bytes.clone();
                    List<Integer> order = new ArrayList<>();
                    for (int p = 0; p < PAGES; p++) {
                        order.add(p);
                    }
                    java.util.Collections.shuffle(order, random);
                    for (int p : order) {
                        int addr = p * PAGE + (random.nextInt(PAGE - 8) & ~7);
                        assertThat(view.readLong(addr)).isEqualTo(longAt(expected, addr));
                        long value = random.nextLong();
                        view.writeLong(addr, value);
                        for (int i = 0; i < 8; i++) {
                            expected[addr + i] = (byte) (value >>> (8 * i));
                        }
                    }
                    assertThat(view.copyOnWriteFaults()).isEqualTo(PAGES);
                    assertThat(budget.committedBytes()).isEqualTo((long) SIZE);
                    byte[] seen = new byte[SIZE];
                    view.read(0, seen, 0, SIZE);
                    assertThat(seen).isEqualTo(expected);
                    space.destroy();
                    vmo.close();
                    assertThat(budget.committedBytes()).isZero();
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("seed " + seed, e.getCause());
        } finally {
            threads.shutdownNow();
        }
        byte[] seen = new byte[SIZE];
        z.vmo.read(seen, 0);
        assertThat(seen).isEqualTo(bytes);
        VmoInfo info = z.vmo.info();
        assertThat(info.committedBytes()).isEqualTo(SIZE);
        assertThat(info.privateBytes()).isEqualTo(SIZE);
        assertThat(host.committedBytes()).isEqualTo(SIZE);
        z.space.destroy();
        z.vmo.close();
        assertThat(host.committedBytes()).isZero();
    }

    private static long longAt(byte[] bytes, int addr) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value |= (bytes[addr + i] & 0xFFL) << (8 * i);
        }
        return value;
    }

    private Zygote zygote(byte[] bytes, long committedPages) {
        Vmo vmo = Vmo.builder(SIZE).withBudget(host.child(1L << 30)).build();
        for (int p = 0; p < PAGES; p++) {
            byte[] page = Arrays.copyOfRange(bytes, p * PAGE, (p + 1) * PAGE);
            if (!Arrays.equals(page, new byte[PAGE])) {
                vmo.write(page, (long) p * PAGE);
            }
        }
        Vmar space = Vmar.createRoot(SIZE);
        space.map(Vmar.PERM_READ | Vmar.SPECIFIC, 0, vmo, 0, SIZE);
        return new Zygote(space, vmo, bytes, committedPages);
    }

    private Outcome run(Random random) {
        Outcome out = new Outcome();
        List<Clone> clones = out.live;
        for (int op = 0; op < OPS; op++) {
            int kind = random.nextInt(100);
            if (clones.isEmpty() || kind < 8 && clones.size() < CLONES_PER_THREAD) {
                clones.add(spawn(random));
            } else if (kind < 12) {
                Clone c = clones.remove(random.nextInt(clones.size()));
                check(c, seed);
                if (c.shared) {
                    out.sharedBudgets.add(c.budget);
                } else {
                    long own = c.budget.committedBytes();
                    assertThat(own).isEqualTo((long) c.written.size() * PAGE + c.extra);
                }
                close(c);
                if (!c.shared) {
                    assertThat(c.budget.committedBytes()).isZero();
                }
            } else if (kind < 13) {
                publish(clones.get(random.nextInt(clones.size())), random);
            } else if (kind < 50) {
                Clone c = clones.get(random.nextInt(clones.size()));
                int addr = random.nextInt(SIZE - 4) & ~3;
                int value = random.nextInt();
                c.view.writeInt(addr, value);
                for (int i = 0; i < 4; i++) {
                    c.expected[addr + i] = (byte) (value >>> (8 * i));
                }
                c.written.add(addr / PAGE);
                assertThat(c.view.copyOnWriteFaults()).isEqualTo(c.faultsBefore + c.written.size());
            } else if (kind < 85) {
                Clone c = clones.get(random.nextInt(clones.size()));
                int addr = random.nextInt(SIZE - 8);
                assertThat(c.view.readLong(addr)).isEqualTo(longAt(c.expected, addr));
            } else if (kind < 92) {
                long bytes = 1 + random.nextInt(4096);
                try {
                    this.pool.charge(bytes);
                    out.pooled += bytes;
                } catch (ZxException e) {
                    assertThat(e.status()).isEqualTo(Status.NO_MEMORY);
                }
                if (out.pooled > 0 && random.nextBoolean()) {
                    long back = 1 + (long) random.nextInt((int) Math.min(out.pooled, Integer.MAX_VALUE));
                    this.pool.release(back);
                    out.pooled -= back;
                }
            } else {
                Clone c = clones.get(random.nextInt(clones.size()));
                if (random.nextBoolean() || c.extra == 0) {
                    c.budget.charge(64);
                    c.extra += 64;
                } else {
                    c.budget.release(64);
                    c.extra -= 64;
                }
            }
        }
        return out;
    }

    /** A fresh clone of a random zygote in a fresh address space, as a spawn makes. */
    private Clone spawn(Random random) {
        Zygote z = zygotes.get(random.nextInt(ZYGOTES));
        MemoryBudget budget = host.child(1L << 30);
        Vmo vmo = random.nextBoolean()
                ? z.space.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, SIZE, budget)
                : z.vmo.createChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, SIZE, budget);
        Vmar space = Vmar.createRoot(SIZE);
        space.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC, 0, vmo, 0, SIZE);
        return new Clone(vmo, space, budget, z.bytes.clone());
    }

    /** Replaces a random zygote by a snapshot of {@code c} (an RFC-0013 child of its address space). */
    private void publish(Clone c, Random random) {
        Vmo frozen = c.space.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, SIZE, host.child(1L << 30));
        // Its pages are shared now: its next write to each copies again.
        c.shared = true;
        c.written.clear();
        c.faultsBefore = c.view.copyOnWriteFaults();
        Vmar space = Vmar.createRoot(SIZE);
        space.map(Vmar.PERM_READ | Vmar.SPECIFIC, 0, frozen, 0, SIZE);
        Zygote old = zygotes.getAndSet(random.nextInt(ZYGOTES), new Zygote(space, frozen, c.expected.clone(), -1));
        retired.add(old);
    }

    /** The clone reads exactly its model, through its view and through its handle. */
    private static void check(Clone c, long seed) {
        byte[] viaView = new byte[SIZE];
        c.view.read(0, viaView, 0, SIZE);
        assertThat(viaView).as("seed %d", seed).isEqualTo(c.expected);
        byte[] viaHandle = new byte[SIZE];
        c.vmo.read(viaHandle, 0);
        assertThat(viaHandle).as("seed %d", seed).isEqualTo(c.expected);
    }

    private static void close(Clone c) {
        c.space.destroy();
        c.vmo.close();
        c.budget.release(c.extra);
        c.extra = 0;
    }

    /** The scaled bytes of {@code vmos} add up to {@code committed} (fractions rounded up, under one byte in all). */
    private static void assertScaledSumIs(List<Vmo> vmos, long committed, long seed) {
        BigInteger total = BigInteger.ZERO;
        for (Vmo v : vmos) {
            VmoInfo info = v.info();
            total = total.add(BigInteger.valueOf(info.scaledBytes()).multiply(ONE_BYTE))
                    .add(BigInteger.valueOf(info.fractionalScaledBytes()));
        }
        BigInteger exact = BigInteger.valueOf(committed).multiply(ONE_BYTE);
        assertThat(total).as("seed %d", seed).isGreaterThanOrEqualTo(exact)
                .isLessThan(exact.add(BigInteger.valueOf(vmos.size())));
    }
}
