package dev.hermetic.host.bench;

import dev.hermetic.host.Engine;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.Host;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Value;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;

/**
 * Leak check: heap after GC, live threads and committed bytes before and after 10,000 fresh
 * processes and 10,000 clones (hc-add, default limits, so every deadline is 10 s and its
 * cancelled task must leave the timer's queue), printed as a table.
 *
 * <pre>mvn -B -q -pl host -am -Pbench test-compile exec:exec -Dbench.main=dev.hermetic.host.bench.LeakCheckBench -Dbench.args="[count]"</pre>
 */
public final class LeakCheckBench {
    private LeakCheckBench() {}

    private static final ProcessResult FORTY = new ProcessResult.Returned(Optional.of(Value.i32(40)));

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        System.out.printf("%-22s %14s %14s %9s %9s %16s %16s%n", "what", "heap before", "heap after",
                "threads", "after", "committed before", "committed after");
        try (Host host = Host.builder().withMeterRegistry(registry).build()) {
            Engine add = host.load(Fixtures.engine("hc-add"));
            try (Snapshot zygote = add.snapshot()) {
                for (int i = 0; i < 200; i++) { // warm both paths before the baseline
                    check(add.newProcess().start(Value.i32(17), Value.i32(23)).await());
                    check(zygote.spawn().start(Value.i32(17), Value.i32(23)).await());
                }
                row("processes", count, registry, () -> check(add.newProcess().start(Value.i32(17), Value.i32(23)).await()));
                row("spawns", count, registry, () -> check(zygote.spawn().start(Value.i32(17), Value.i32(23)).await()));
            }
        }
    }

    private static void check(ProcessResult r) {
        if (!r.equals(FORTY)) {
            throw new IllegalStateException("expected 40, got " + r);
        }
    }

    /** One process, run to its end. */
    @FunctionalInterface
    private interface Run {
        void run() throws InterruptedException;
    }

    private static void row(String what, int count, SimpleMeterRegistry registry, Run one) throws InterruptedException {
        long heapBefore = heap();
        int threadsBefore = Thread.activeCount();
        double committedBefore = registry.get("hermetic.memory.committed").gauge().value();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            one.run();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(50); // the last engine thread exits just after its result completes
        System.out.printf("%-22s %11.1f MiB %11.1f MiB %9d %9d %16.0f %16.0f%n",
                count + " " + what + String.format(" (%.1f s)", seconds), heapBefore / 1048576.0, heap() / 1048576.0,
                threadsBefore, Thread.activeCount(), committedBefore,
                registry.get("hermetic.memory.committed").gauge().value());
    }

    private static long heap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
