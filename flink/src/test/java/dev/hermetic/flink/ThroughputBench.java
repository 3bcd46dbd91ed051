package dev.hermetic.flink;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hermetic.engines.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Records per second of the {@code json} engine (a clone per record) through a local Flink
 * BATCH job against the host alone on as many threads, in one run, side by side. A local job
 * starts a mini cluster of its own, so a one-record job is timed too and its time subtracted:
 * the Flink figure is the steady rate past that fixed cost. Each is measured twice, the second kept.
 *
 * <pre>java -cp ... dev.hermetic.flink.ThroughputBench [records]</pre>
 */
public final class ThroughputBench {
    private ThroughputBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(("{ \"k\" : [" + i + ", \"s" + i + "\", true], \"a\": {\"x\": " + i + ".5} }").getBytes(UTF_8));
        }
        EngineSpec spec = EngineSpec.of("json", Engines.bytes("json")).withOutputCapacity(4096).build();
        System.out.printf("%d json records, a clone each%n%-28s %12s%n", n, "how", "records/s");
        for (int parallelism = 1; parallelism <= 2; parallelism++) {
            double host = 0;
            double flink = 0;
            double fixedSeconds = 0;
            for (int round = 0; round < 2; round++) {
                host = records.size() / hostAlone(spec, records, parallelism);
                fixedSeconds = throughFlink(spec, records.subList(0, 1), parallelism);
                flink = (records.size() - 1) / (throughFlink(spec, records, parallelism) - fixedSeconds);
            }
            System.out.printf("%-28s %12.0f%n", "host alone, " + parallelism + " thread(s)", host);
            System.out.printf("%-28s %12.0f   (a one-record job takes %.1f s)%n", "Flink, parallelism " + parallelism,
                    flink, fixedSeconds);
            System.out.printf("%-28s %12.1f%n", "  Flink's added us/record", (1e6 / flink - 1e6 / host) * parallelism);
        }
    }

    /** Seconds to run every record. */
    private static double hostAlone(EngineSpec spec, List<byte[]> records, int threads) throws Exception {
        EnginePool pool = new EnginePool(1);
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        try (EnginePool.Lease lease = pool.acquire(spec)) {
            long t0 = System.nanoTime();
            List<Future<EngineResult>> done = new ArrayList<>();
            for (byte[] r : records) {
                done.add(workers.submit(() -> lease.run(r)));
            }
            for (Future<EngineResult> f : done) {
                if (!(f.get() instanceof EngineResult.Ok)) {
                    throw new IllegalStateException("a record failed: " + f.get());
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            workers.shutdownNow();
        }
    }

    /** Seconds from building the job to its last result. */
    private static double throughFlink(EngineSpec spec, List<byte[]> records, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(parallelism);
        long t0 = System.nanoTime();
        int ok = 0;
        try (CloseableIterator<EngineResult> it = Hermetic.process(env.fromData(records, Hermetic.BYTES), spec)
                .executeAndCollect()) {
            while (it.hasNext()) {
                ok += it.next() instanceof EngineResult.Ok ? 1 : 0;
            }
        }
        if (ok != records.size()) {
            throw new IllegalStateException(ok + " of " + records.size() + " records ok");
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
