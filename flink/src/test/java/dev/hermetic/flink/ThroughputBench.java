package dev.hermetic.flink;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Warmup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAccumulator;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Records per second through a local Flink BATCH job against the host alone on as many
 * threads, in one run, side by side: {@code json} with a clone per record, and {@code classifier}
 * (pre-initialized) in bundles of 100 lines, a clone per bundle, at parallelism 1 and 2. The bench
 * holds a lease on the engine pool the operators use, so no job pays for warming the engine.
 * A local job starts a mini cluster of its own (seconds, more than the records take), so the
 * Flink rate is timed inside the job: from the first result leaving the operator to the last,
 * over all subtasks, by a map chained after it, counting the records run in between (all but
 * each subtask's first process); one small job runs first to load Flink's classes.
 * The operator's cost per record is {@code (1/flink - 1/host) * parallelism}. Two to three minutes
 * on a loaded 2-core machine, most of it the classifier's init.
 *
 * <pre>java -cp ... dev.hermetic.flink.ThroughputBench [jsonRecords] [classifierLines]</pre>
 */
public final class ThroughputBench {
    private ThroughputBench() {}

    private static final int BUNDLE = 100;
    private static final String[] WORDS = {"disk", "payment", "storm", "goal", "packet", "doctor", "recipe",
        "password", "the", "error", "GET", "/index.html", "volume", "router-7", "ledger", "12:01:07"};

    /** How a run processes records: on Flink, or on the host alone from {@code threads} threads. */
    private interface Workload {
        SingleOutputStreamOperator<EngineResult> flink(DataStream<byte[]> records);

        /** The results of {@code records}, run on the host alone from {@code threads} threads. */
        List<EngineResult> host(EnginePool.Lease lease, List<byte[]> records, int threads) throws Exception;

        /** Records per process: a subtask's first results leave the operator once its first process ends. */
        int perProcess();
    }

    public static void main(String[] args) throws Exception {
        int nJson = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int nLines = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        List<byte[]> docs = new ArrayList<>();
        for (int i = 0; i < nJson; i++) {
            docs.add(("{ \"k\" : [" + i + ", \"s" + i + "\", true], \"a\": {\"x\": " + i + ".5} }").getBytes(UTF_8));
        }
        java.util.Random random = new java.util.Random(1);
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < nLines; i++) {
            StringBuilder line = new StringBuilder("line " + i);
            for (int w = 1 + random.nextInt(8); w > 0; w--) {
                line.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            }
            lines.add(line.toString().getBytes(UTF_8));
        }

        EngineSpec json = EngineSpec.of("json", Engines.bytes("json")).withOutputCapacity(4096).build();
        long t0 = System.nanoTime();
        EngineSpec classifier;
        Limits warmUp = Limits.builder().withDeadline(Duration.ofMinutes(5)).withMaxCommittedBytes(256L << 20).build();
        try (Host host = Host.builder().build();
                Snapshot warm = host.load("classifier", Engines.bytes("classifier")).snapshot(warmUp, Warmup.engineInit())) {
            classifier = EngineSpec.preInitialized("classifier", warm)
                    .withDeadline(Duration.ofSeconds(60)).withMaxCommittedBytes(128L << 20).build();
        }
        System.out.printf("classifier warmed in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Bundling bundling = Bundling.lines().withMaxRecords(BUNDLE).withMaxDelay(Duration.ofSeconds(10)).build();

        System.out.printf("%-44s %12s %14s%n", "how", "records/s", "vs host alone");
        measure("json, a clone per record", json, docs, new Workload() {
            @Override
            public SingleOutputStreamOperator<EngineResult> flink(DataStream<byte[]> records) {
                return Hermetic.process(records, json);
            }

            @Override
            public List<EngineResult> host(EnginePool.Lease lease, List<byte[]> records, int threads) throws Exception {
                return onThreads(threads, records.size(), i -> List.of(lease.run(records.get(i))), 1);
            }

            @Override
            public int perProcess() {
                return 1;
            }
        });
        measure("classifier, bundles of " + BUNDLE, classifier, lines, new Workload() {
            @Override
            public SingleOutputStreamOperator<EngineResult> flink(DataStream<byte[]> records) {
                return Hermetic.processBundled(records, classifier, bundling);
            }

            @Override
            public List<EngineResult> host(EnginePool.Lease lease, List<byte[]> records, int threads) throws Exception {
                return onThreads(threads, (records.size() + BUNDLE - 1) / BUNDLE, b -> {
                    List<byte[]> bundle = records.subList(b * BUNDLE, Math.min(records.size(), (b + 1) * BUNDLE));
                    EngineResult r = lease.run(bundling.codec().join(bundle));
                    List<byte[]> outputs = r instanceof EngineResult.Ok ok ? bundling.codec().split(ok.output(), bundle.size()) : null;
                    if (outputs == null) {
                        throw new IllegalStateException("a bundle failed: " + r);
                    }
                    return outputs.stream().map(o -> (EngineResult) new EngineResult.Ok(o)).toList();
                }, BUNDLE);
            }

            @Override
            public int perProcess() {
                return BUNDLE;
            }
        });
    }

    private static void measure(String what, EngineSpec spec, List<byte[]> records, Workload workload) throws Exception {
        // The lease keeps the warm engine in the pool between jobs: no job warms it.
        try (EnginePool.Lease lease = EnginePool.SHARED.acquire(spec)) {
            // JIT and Flink's classes warmed before anything is timed.
            workload.host(lease, records.subList(0, Math.min(records.size(), 200)), 2);
            throughFlink(workload, records.subList(0, Math.min(records.size(), 200)), 2);
            for (int parallelism = 1; parallelism <= 2; parallelism++) {
                long t0 = System.nanoTime();
                check(workload.host(lease, records, parallelism), records.size());
                double host = records.size() / ((System.nanoTime() - t0) / 1e9);
                // Between the first result and the last: all but each subtask's first process.
                double flink = (records.size() - workload.perProcess() * parallelism) / throughFlink(workload, records, parallelism);
                System.out.printf("%-44s %12.0f%n", what + ": host alone, " + parallelism + " thread(s)", host);
                System.out.printf("%-44s %12.0f %13.2fx   (the operator adds %.0f us/record)%n",
                        what + ": Flink, parallelism " + parallelism, flink, flink / host,
                        (1e6 / flink - 1e6 / host) * parallelism);
            }
        }
    }

    private interface Task {
        List<EngineResult> run(int index) throws Exception;
    }

    private static List<EngineResult> onThreads(int threads, int tasks, Task task, int perTask) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<EngineResult>>> done = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                int index = i;
                done.add(workers.submit(() -> task.run(index)));
            }
            List<EngineResult> all = new ArrayList<>(tasks * perTask);
            for (Future<List<EngineResult>> f : done) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            workers.shutdownNow();
        }
    }

    private static void check(List<EngineResult> results, int expected) {
        long ok = results.stream().filter(r -> r instanceof EngineResult.Ok).count();
        if (ok != expected) {
            throw new IllegalStateException(ok + " of " + expected + " records ok");
        }
    }

    /** When the first and the last result of the running job left the operator (the mini cluster runs in this JVM). */
    private static final LongAccumulator FIRST = new LongAccumulator(Math::min, Long.MAX_VALUE);
    private static final LongAccumulator LAST = new LongAccumulator(Math::max, Long.MIN_VALUE);

    /** Seconds from the job's first result leaving the operator to its last. */
    private static double throughFlink(Workload workload, List<byte[]> records, int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(parallelism);
        FIRST.reset();
        LAST.reset();
        List<EngineResult> results = new ArrayList<>();
        try (CloseableIterator<EngineResult> it = workload.flink(env.fromData(records, Hermetic.BYTES))
                .map(r -> {
                    long now = System.nanoTime();
                    FIRST.accumulate(now);
                    LAST.accumulate(now);
                    return r;
                }).returns(Hermetic.RESULT)
                .executeAndCollect()) {
            it.forEachRemaining(results::add);
        }
        check(results, records.size());
        return (LAST.get() - FIRST.get()) / 1e9;
    }
}
