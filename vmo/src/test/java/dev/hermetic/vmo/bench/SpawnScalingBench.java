package dev.hermetic.vmo.bench;

import dev.hermetic.vmo.MemoryBudget;
import dev.hermetic.vmo.Vmar;
import dev.hermetic.vmo.VmarView;
import dev.hermetic.vmo.Vmo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Spawn-and-first-touch scaling: from 1, 2, 4 and 8 threads at once, each thread repeatedly
 * spawns a clone of one shared snapshot (an RFC-0013 child of the zygote's address space, a
 * fresh address space mapping it, a view), reads {@code READS} pages (read faults on frozen
 * pages), writes {@code WRITES} pages (copy-on-write faults), and closes it. Prints one row per
 * thread count: spawns per second summed over the threads, the faults they took, and the CPU
 * time the process spent per spawn (less sensitive than throughput to other load on the
 * machine; a contended lock shows as spinning and parking there).
 *
 * <p>Only the public API is used, so the same class runs against another build of the module
 * put first on the class path (how the README's before/after table was made):
 * {@code java -cp <vmo classes>:vmo/target/test-classes dev.hermetic.vmo.bench.SpawnScalingBench [label] [seconds]}.
 */
public final class SpawnScalingBench {
    private static final int PAGE = 4096;
    private static final int PAGES = 64;
    private static final int READS = 16;
    private static final int WRITES = 16;
    private static final int[] THREADS = {1, 2, 4, 8};

    private SpawnScalingBench() {
    }

    public static void main(String[] args) throws Exception {
        String label = args.length > 0 ? args[0] : "this build";
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        MemoryBudget host = MemoryBudget.unlimited();
        Vmo snapshot = Vmo.builder(PAGES * PAGE).withBudget(host).build();
        for (int p = 0; p < PAGES; p++) {
            snapshot.write(new byte[] {(byte) (p + 1)}, (long) p * PAGE);
        }
        Vmar zygote = Vmar.createRoot(PAGES * PAGE);
        zygote.map(Vmar.PERM_READ | Vmar.SPECIFIC, 0, snapshot, 0, PAGES * PAGE);
        run(zygote, host, 4, seconds); // warm-up: compile every path
        System.out.printf("%-12s %8s %14s %14s %16s%n", "build", "threads", "spawns/s", "faults/s", "CPU us/spawn");
        for (int threads : THREADS) {
            double[] r = run(zygote, host, threads, seconds);
            System.out.printf("%-12s %8d %,14.0f %,14.0f %16.1f%n", label, threads, r[0], r[0] * (READS + WRITES), r[1]);
        }
    }

    /** {spawns per second, worker CPU microseconds per spawn} from {@code threads} threads over {@code seconds}. */
    private static double[] run(Vmar zygote, MemoryBudget host, int threads, double seconds) throws Exception {
        LongAdder spawns = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        List<Thread> workers = new ArrayList<>();
        long[] sink = new long[threads];

        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                long sum = 0;
                while (!stop.get()) {
                    MemoryBudget budget = host.child(1L << 30);
                    Vmo clone = zygote.createVmoChild(Vmo.SNAPSHOT_AT_LEAST_ON_WRITE, 0, PAGES * PAGE, budget);
                    Vmar space = Vmar.createRoot(PAGES * PAGE);
                    space.map(Vmar.PERM_READ | Vmar.PERM_WRITE | Vmar.SPECIFIC, 0, clone, 0, PAGES * PAGE);
                    VmarView view = space.view();
                    for (int p = 0; p < READS; p++) {
                        sum += view.readByte((PAGES - 1 - p) * PAGE);
                    }
                    for (int p = 0; p < WRITES; p++) {
                        view.writeByte(p * PAGE + 8, (byte) p);
                    }
                    space.destroy();
                    clone.close();
                    spawns.increment();
                }
                sink[id] = sum;
            });
            workers.add(worker);
            worker.start();
        }
        start.await();
        long began = System.nanoTime();
        long cpuBefore = processCpuNanos();
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - began) / 1e9;
        long cpu = processCpuNanos() - cpuBefore;
        if (host.committedBytes() != PAGES * PAGE) {
            throw new IllegalStateException("leaked: " + host.committedBytes());
        }
        return new double[] {spawns.sum() / elapsed, cpu / 1e3 / Math.max(1, spawns.sum())};
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
