package dev.hermetic.host.bench;

import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.Host;
import dev.hermetic.host.KillReason;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Stop latency under load: T threads each run spinning engines ({@code hostile-loop}, compiled)
 * back to back with a 300 ms deadline, and the table gives, per T, how far past its deadline a
 * process ended (overshoot: its duration minus the deadline) and the part of that from the
 * deadline firing to the engine thread's end (stop: {@link EngineProcess#stopLatency()}); the
 * rest is the timer firing late. With more spinning threads than cores both include the time
 * the OS takes to give the thread a core again.
 *
 * <pre>mvn -B -q -pl host -am -Pbench test-compile exec:exec -Dbench.main=dev.hermetic.host.bench.StopLatencyBench -Dbench.args="[runs per thread] [thread counts, e.g. 1,2,8]"</pre>
 */
public final class StopLatencyBench {
    private StopLatencyBench() {}

    public static void main(String[] args) throws Exception {
        int runsPerThread = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int[] threadCounts = args.length > 1
                ? java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 2, 8};
        Duration deadline = Duration.ofMillis(300);
        System.out.printf("%d cores; %d runs per thread, deadline %d ms%n",
                Runtime.getRuntime().availableProcessors(), runsPerThread, deadline.toMillis());
        System.out.printf("%-8s %6s %14s %14s %14s %11s %11s%n",
                "threads", "runs", "overshoot p50", "overshoot p99", "overshoot max", "stop p50", "stop p99");
        try (Host host = Host.builder().build()) {
            Engine loop = host.load(Fixtures.engine("hostile-loop"));
            Limits limits = Limits.builder().withDeadline(deadline).build();
            loop.newProcess(Limits.builder().withDeadline(Duration.ofMillis(500)).build()).start().await(); // compile warm-up
            for (int threads : threadCounts) {
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<long[][]>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    parts.add(pool.submit(() -> {
                        long[][] r = new long[2][runsPerThread];
                        for (int i = 0; i < runsPerThread; i++) {
                            EngineProcess p = loop.newProcess(limits).start();
                            ProcessResult result = p.await();
                            if (!result.equals(new ProcessResult.Killed(KillReason.DEADLINE))) {
                                throw new IllegalStateException("expected a deadline kill, got " + result);
                            }
                            r[0][i] = p.duration().minus(deadline).toNanos();
                            r[1][i] = p.stopLatency().orElseThrow().toNanos();
                        }
                        return r;
                    }));
                }
                long[] overshoot = new long[threads * runsPerThread];
                long[] stop = new long[overshoot.length];
                for (int t = 0; t < threads; t++) {
                    long[][] r = parts.get(t).get();
                    System.arraycopy(r[0], 0, overshoot, t * runsPerThread, runsPerThread);
                    System.arraycopy(r[1], 0, stop, t * runsPerThread, runsPerThread);
                }
                pool.shutdown();
                Arrays.sort(overshoot);
                Arrays.sort(stop);
                System.out.printf("%-8d %6d %14s %14s %14s %11s %11s%n", threads, overshoot.length,
                        ms(percentile(overshoot, 50)), ms(percentile(overshoot, 99)), ms(overshoot[overshoot.length - 1]),
                        ms(percentile(stop, 50)), ms(percentile(stop, 99)));
            }
        }
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    private static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
