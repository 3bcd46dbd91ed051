package dev.hermetic.flink;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Engine;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.WarmProcess;
import dev.hermetic.host.Warmup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundling operator on the classifier, a restart from a checkpoint, the pool's memory budget
 * from the task manager's heap and the host's meters in Flink's groups, on a two-slot mini
 * cluster whose task heap is set, checked against the host run directly record by record.
 */
class BundlingFlinkTest {
    /** The task heap the cluster declares; the pool's budget is half of it. */
    private static final MemorySize TASK_HEAP = MemorySize.ofMebiBytes(512);

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(cluster())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static Configuration cluster() {
        Configuration conf = REPORTER.addToConfiguration(new Configuration());
        conf.set(TaskManagerOptions.TASK_HEAP_MEMORY, TASK_HEAP);
        return conf;
    }

    /** Pre-initialized classifier, warmed once for the class (its init takes 10-50 s here). */
    private static EngineSpec classifier;

    @BeforeAll
    static void warmClassifier() throws InterruptedException {
        Limits warmUp = Limits.builder().withDeadline(Duration.ofMinutes(5)).withMaxCommittedBytes(256L << 20).build();
        try (Host host = Host.builder().build();
                Snapshot warm = host.load("classifier", Engines.bytes("classifier")).snapshot(warmUp, Warmup.engineInit())) {
            classifier = EngineSpec.preInitialized("classifier", warm)
                    .withDeadline(Duration.ofSeconds(60)).withMaxCommittedBytes(128L << 20).build();
        }
    }

    private static final String[] WORDS = {"disk", "payment", "storm", "goal", "packet", "doctor", "recipe",
        "password", "volumes", "unbaked", "tcp/ip", "the", "a", "error", "ok", "GET", "/index.html", "ERROR",
        "snow", "router-7", "ledger", "nurse", "coach", "oven", "12:01:07", "user=root"};

    /** Seeded log lines; every 37th is empty (the codec runs those alone). */
    private static List<String> lines(long seed, int n) {
        Random random = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i % 37 == 36) {
                lines.add("");
                continue;
            }
            StringBuilder line = new StringBuilder("line " + i);
            for (int w = random.nextInt(9); w >= 0; w--) {
                line.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    /** What the host alone gives each record, one call per record on the same pre-initialized module. */
    private static List<String> direct(EngineSpec spec, List<String> records) throws InterruptedException {
        List<String> answers = new ArrayList<>();
        try (Host host = Host.builder().build()) {
            Engine engine = host.load(spec.name(), spec.module());
            try (WarmProcess process = engine.warmProcess(spec.limits())) {
                for (String record : records) {
                    answers.add(new String(process.filter(record.getBytes(UTF_8)).output(), ISO_8859_1));
                }
            }
        }
        return answers;
    }

    private static String describe(EngineResult result) {
        return result instanceof EngineResult.Ok ok ? new String(ok.output(), ISO_8859_1)
                : "failed:" + ((EngineResult.Failed) result).kind() + ":" + ((EngineResult.Failed) result).reason();
    }

    /** Runs the job whose sink is {@code results}, returns what it collected and its id. */
    private record Run(List<String> results, JobID job) {}

    private static Run run(StreamExecutionEnvironment env, DataStream<String> results) throws Exception {
        CloseableIterator<String> it = results.collectAsync();
        JobClient job = env.executeAsync();
        List<String> all = new ArrayList<>();
        try (it) {
            it.forEachRemaining(all::add);
        }
        job.getJobExecutionResult().get();
        return new Run(all, job.getJobID());
    }

    /** A counter or gauge of the engine's operators, summed over their subtasks. */
    private static long sum(JobID job, String suffix) {
        Map<String, Metric> metrics = REPORTER.findMetrics(job, suffix);
        return metrics.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToLong(e -> {
            Metric m = e.getValue();
            return m instanceof Counter c ? c.getCount() : ((Number) ((Gauge<?>) m).getValue()).longValue();
        }).sum();
    }

    @Test
    void bundledClassifierGivesWhatTheHostGivesRecordByRecord() throws Exception {
        List<String> records = lines(20261202L, 400);
        List<String> expected = direct(classifier, records);
        assertThat(expected).contains("storage\n", "finance\n", "other\n", "");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        // At most 20 records: the empty line every 37th flushes what came before it, so bundles
        // end at the size bound and at those lines.
        Bundling bundling = Bundling.lines().withMaxRecords(20).withMaxDelay(Duration.ofMinutes(10)).build();
        Run run = run(env, Hermetic.processTextBundled(env.fromData(records), classifier, bundling)
                .map(BundlingFlinkTest::describe).returns(Types.STRING));

        assertThat(run.results()).containsExactlyInAnyOrderElementsOf(expected);
        String p = "hermetic.classifier.";
        assertThat(sum(run.job(), p + "records")).isEqualTo(400);
        assertThat(sum(run.job(), p + "flush_size")).isPositive();
        // The end of a bounded input: the final watermark comes first and flushes the tail.
        assertThat(sum(run.job(), p + "flush_end_of_input") + sum(run.job(), p + "flush_watermark")).isPositive();
        assertThat(sum(run.job(), p + "flush_unbundled_record")).isPositive(); // the empty lines
        // 400 records in bundles of at most 20, plus the lone empty ones: far fewer processes than records.
        assertThat(sum(run.job(), p + "bundles")).isLessThan(50);
        assertThat(sum(run.job(), p + "bundlesRetried")).isZero();
        assertThat(EnginePool.SHARED.size()).isZero();
    }

    /** Each record's checkpoint epoch (how many checkpoints its subtask had taken when it passed), in order. */
    private static final List<Integer> EPOCHS_IN = Collections.synchronizedList(new ArrayList<>());
    private static final List<Integer> EPOCHS_OUT = Collections.synchronizedList(new ArrayList<>());

    /** Passes values through, noting each one's epoch in {@code epochs}. */
    private static final class EpochTagger<T> extends RichMapFunction<T, T> implements CheckpointedFunction {
        private final boolean in;
        private transient int epoch;

        EpochTagger(boolean in) {
            this.in = in;
        }

        @Override
        public T map(T value) {
            (in ? EPOCHS_IN : EPOCHS_OUT).add(epoch);
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            epoch++;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}
    }

    @Test
    void noBundleIsHeldAcrossACheckpointBarrierAndASlowStreamFlushesOnTime() throws Exception {
        List<String> records = lines(77L, 240);
        List<String> expected = direct(classifier, records);
        EPOCHS_IN.clear();
        EPOCHS_OUT.clear();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(50);
        // A record every 8 ms for 2 s: dozens of barriers pass while bundles fill. The size
        // bound is never reached and the delay is long: only barriers, the end of input and the
        // delay of the slow tail flush.
        Bundling bundling = Bundling.lines().withMaxRecords(10_000).withMaxDelay(Duration.ofSeconds(2)).build();
        DataStream<byte[]> in = env.fromSource(paced(records, 8), WatermarkStrategy.noWatermarks(), "lines")
                .map(s -> s.getBytes(UTF_8)).returns(byte[].class)
                .map(new EpochTagger<byte[]>(true)).returns(byte[].class);
        Run run = run(env, Hermetic.processBundled(in, classifier, bundling)
                .map(new EpochTagger<EngineResult>(false)).returns(Hermetic.RESULT)
                .map(BundlingFlinkTest::describe).returns(Types.STRING));

        assertThat(run.results()).containsExactlyElementsOf(expected);
        String p = "hermetic.classifier.";
        assertThat(sum(run.job(), p + "flush_checkpoint")).as("bundles flushed by a barrier").isPositive();
        assertThat(sum(run.job(), p + "flush_size")).isZero();
        // One subtask, results in input order: each result left in the epoch its record came in.
        // A bundle held over a barrier would put its results in a later epoch than its records.
        assertThat(EPOCHS_OUT).hasSize(records.size()).containsExactlyElementsOf(EPOCHS_IN);
        assertThat(EPOCHS_IN.get(EPOCHS_IN.size() - 1)).isGreaterThan(3);
    }

    @Test
    void aSlowStreamFlushesItsBundlesOnTime() throws Exception {
        List<String> records = lines(5L, 30);
        List<String> expected = direct(classifier, records);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        Bundling bundling = Bundling.lines().withMaxRecords(10_000).withMaxDelay(Duration.ofMillis(100)).build();
        Run run = run(env, Hermetic.processTextBundled(
                        env.fromSource(paced(records, 50), WatermarkStrategy.noWatermarks(), "lines"), classifier, bundling)
                .map(BundlingFlinkTest::describe).returns(Types.STRING));
        assertThat(run.results()).containsExactlyElementsOf(expected);
        // A record every 50 ms, bundles of at most 100 ms: the first bundle, at least, is the delay's.
        assertThat(sum(run.job(), "hermetic.classifier.flush_time")).isPositive();
    }

    /**
     * {@code records} in order, one every {@code millis} ms: the pause is in the source's own
     * thread, so barriers and timers come between records. (A rate-limited generator let the
     * records through in bursts here, between which every barrier found the bundle empty.)
     */
    private static DataGeneratorSource<String> paced(List<String> records, long millis) {
        List<String> copy = List.copyOf(records);
        return new DataGeneratorSource<>(i -> {
            Thread.sleep(millis);
            return copy.get(i.intValue());
        }, copy.size(), Types.STRING);
    }

    /** Set by the first failure, so the job fails once, however often it restarts. */
    private static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    /** Fails its subtask 0 once, after {@code after} records, on its first attempt. */
    private static final class FailOnce<T> extends RichMapFunction<T, T> {
        private final int after;
        private transient int seen;

        FailOnce(int after) {
            this.after = after;
        }

        @Override
        public void open(OpenContext context) {
            seen = 0;
        }

        @Override
        public T map(T value) {
            if (++seen == after && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                    && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0 && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("a worker fails mid-stream, once");
            }
            return value;
        }
    }

    @Test
    void aJobRestartedFromACheckpointAfterAWorkerFailsGivesEachResultExactlyOnce() throws Exception {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(i % 11 == 5 ? "{ \"broken\": " + i : "{ \"s\" : \"s" + i + "\", \"n\" : [" + i + ", true] }");
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            expected.add(i % 11 == 5 ? "failed:STATUS:status -42" : "{\"n\":[" + i + ",true],\"s\":\"s" + i + "\"}");
        }
        FAILED_ONCE.set(false);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration restart = new Configuration();
        restart.setString("restart-strategy.type", "fixed-delay");
        restart.setString("restart-strategy.fixed-delay.attempts", "3");
        restart.setString("restart-strategy.fixed-delay.delay", "200 ms");
        env.configure(restart);
        env.setParallelism(2);
        env.enableCheckpointing(100);
        DataGeneratorSource<String> source = new DataGeneratorSource<>(i -> docs.get(i.intValue()), docs.size(),
                RateLimiterStrategy.perSecond(150), Types.STRING);
        EngineSpec json = EngineSpec.of("json", Engines.bytes("json")).withOutputCapacity(4096).build();
        Run run = run(env, Hermetic.processText(env.fromSource(source, WatermarkStrategy.noWatermarks(), "docs"), json)
                .map(new FailOnce<EngineResult>(60)).returns(Hermetic.RESULT)
                .map(BundlingFlinkTest::describe).returns(Types.STRING));

        assertThat(FAILED_ONCE).isTrue();
        // The collect sink commits results with checkpoints: none lost, none twice.
        assertThat(run.results()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(EnginePool.SHARED.size()).isZero();
    }

    @Test
    void thePoolsBudgetIsHalfTheTaskHeapAndTheHostsMetersAreInFlinksGroups() throws Exception {
        assumeThat(Runtime.getRuntime().maxMemory()).as("a JVM heap above the declared task heap")
                .isGreaterThan(TASK_HEAP.getBytes());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        // Limits that allow 512 MiB: only the pool's 256 MiB budget can stop the bomb.
        EngineSpec bomb = EngineSpec.of("hostile-memory-bomb", Engines.bytes("hostile-memory-bomb"))
                .withCodec(Codec.NO_ARGUMENTS).withMaxMemoryPages(8192).withMaxCommittedBytes(600L << 20).build();
        Run run = run(env, Hermetic.processText(env.fromData("a", "b"), bomb)
                .map(BundlingFlinkTest::describe).returns(Types.STRING));

        assertThat(run.results()).containsExactly("failed:MEMORY_LIMIT:killed: MEMORY_LIMIT",
                "failed:MEMORY_LIMIT:killed: MEMORY_LIMIT");
        assertThat(sum(run.job(), "hermetic.hostile-memory-bomb.memoryBudgetBytes")).isEqualTo(TASK_HEAP.getBytes() / 2);
        // The host's own Micrometer counters, read through the operator's Flink metric group.
        // Started: the two records' clones and, in the pool's host, the warm-up process.
        assertThat(sum(run.job(), "hermetic.host.process.started.hostile-memory-bomb.count")).isBetween(2L, 3L);
        Map<String, Metric> ended = REPORTER.findMetrics(run.job(), "hermetic.host.process.ended.");
        assertThat(ended.entrySet().stream()
                .filter(e -> e.getKey().contains("memory_limit") && e.getKey().contains("hostile-memory-bomb")
                        && e.getKey().endsWith(".count"))
                .mapToDouble(e -> ((Number) ((Gauge<?>) e.getValue()).getValue()).doubleValue()).sum())
                .as("kills for the budget, as the host counted them: %s", ended.keySet()).isEqualTo(2.0);
    }
}
