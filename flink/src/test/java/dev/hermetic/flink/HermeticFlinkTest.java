package dev.hermetic.flink;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Host;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Span;
import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jobs on a two-slot mini cluster, checked against the host run directly on the same records. */
class HermeticFlinkTest {
    private static final int OUT = 4096;

    /** Keeps every metric the jobs registered, after they finish. */
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    /** Seeded JSON documents, pretty and compact, every seventh malformed. */
    private static List<String> documents(long seed, int n) {
        Random random = new Random(seed);
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String doc = "{ \"k" + random.nextInt(100) + "\" : [" + random.nextInt() + ", \"s" + i + "\", "
                    + random.nextBoolean() + "],  \"a\": {\"n\": null, \"x\": " + random.nextInt(1000) + ".5 } }";
            docs.add(i % 7 == 3 ? doc.substring(0, doc.length() / 2) : doc);
        }
        return docs;
    }

    /** What the host alone says for each record: the output text, or "failed:" and the engine's status. */
    private static List<String> direct(String engine, List<String> records) throws InterruptedException {
        List<String> answers = new ArrayList<>();
        try (Host host = Host.builder().build(); Snapshot warm = host.load(engine, Engines.bytes(engine)).snapshot()) {
            for (String record : records) {
                byte[] in = record.getBytes(UTF_8);
                try (Vmo input = Vmo.create(Math.max(1, in.length)); Vmo output = Vmo.create(OUT)) {
                    input.write(in, 0);
                    ProcessResult r = warm.spawn().start(Span.readOnly(input, 0, in.length), Span.writable(output, 0, OUT)).await();
                    long n = ((ProcessResult.Returned) r).value().orElseThrow().asLong();
                    if (n < 0) {
                        answers.add("failed:STATUS:status " + n);
                    } else {
                        byte[] bytes = new byte[(int) n];
                        output.read(bytes, 0);
                        answers.add(new String(bytes, ISO_8859_1));
                    }
                }
            }
        }
        return answers;
    }

    private static String describe(EngineResult result) {
        // Latin-1 maps every byte to one char: a digest compares as exactly as text does.
        return result instanceof EngineResult.Ok ok ? new String(ok.output(), ISO_8859_1)
                : "failed:" + ((EngineResult.Failed) result).kind() + ":" + ((EngineResult.Failed) result).reason();
    }

    /** Main output and the failure side output, each as text, in one bag. */
    private static List<String> collect(SingleOutputStreamOperator<EngineResult> results) throws Exception {
        DataStream<String> main = results.map(HermeticFlinkTest::describe).returns(Types.STRING);
        DataStream<String> side = results.getSideOutput(Hermetic.FAILURES)
                .map(f -> "side:" + new String(f.input(), UTF_8) + ":" + f.failure().kind()).returns(Types.STRING);
        List<String> all = new ArrayList<>();
        try (CloseableIterator<String> it = main.union(side).executeAndCollect()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    @Test
    void aBatchJobOverJsonGivesWhatTheHostGivesAndFailuresGoToTheSideOutputToo() throws Exception {
        List<String> records = documents(20261202L, 300);
        List<String> expected = direct("json", records);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        EngineSpec spec;
        try (Host host = Host.builder().build(); Snapshot warm = host.load("json", Engines.bytes("json")).snapshot()) {
            spec = EngineSpec.preInitialized("json", warm).withOutputCapacity(OUT).build();
        }
        List<String> all = collect(Hermetic.processText(env.fromData(records), spec));

        List<String> main = all.stream().filter(s -> !s.startsWith("side:")).toList();
        List<String> side = all.stream().filter(s -> s.startsWith("side:")).toList();
        assertThat(main).containsExactlyInAnyOrderElementsOf(expected);
        List<String> malformed = new ArrayList<>();
        for (int i = 3; i < records.size(); i += 7) {
            malformed.add("side:" + records.get(i) + ":STATUS");
        }
        assertThat(expected).filteredOn(s -> s.equals("failed:STATUS:status -42")).hasSize(malformed.size());
        assertThat(side).containsExactlyInAnyOrderElementsOf(malformed);
    }

    @Test
    void hostileRecordsComeOutAsDeadlineAndMemoryLimitWhileTheJobSucceeds() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(2);
        EngineSpec loop = EngineSpec.of("hostile-loop", Engines.bytes("hostile-loop"))
                .withCodec(Codec.NO_ARGUMENTS).withDeadline(Duration.ofMillis(300)).build();
        EngineSpec bomb = EngineSpec.of("hostile-memory-bomb", Engines.bytes("hostile-memory-bomb"))
                .withCodec(Codec.NO_ARGUMENTS).withMaxMemoryPages(1024).withMaxCommittedBytes(1 << 20).build();
        EngineSpec json = EngineSpec.of("json", Engines.bytes("json")).build();
        DataStream<String> records = env.fromData("r1", "r2", "r3", "r4");

        SingleOutputStreamOperator<EngineResult> loops = Hermetic.processText(records, loop);
        SingleOutputStreamOperator<EngineResult> bombs = Hermetic.processText(records, bomb);
        SingleOutputStreamOperator<EngineResult> parsed = Hermetic.processText(env.fromData("[ 1 ]", "[2]"), json);
        List<String> all = new ArrayList<>();
        try (CloseableIterator<String> it = loops.union(bombs, parsed).map(HermeticFlinkTest::describe)
                .returns(Types.STRING).executeAndCollect()) {
            it.forEachRemaining(all::add);
        }
        assertThat(all).containsExactlyInAnyOrder(
                "failed:DEADLINE:killed: DEADLINE", "failed:DEADLINE:killed: DEADLINE",
                "failed:DEADLINE:killed: DEADLINE", "failed:DEADLINE:killed: DEADLINE",
                "failed:MEMORY_LIMIT:killed: MEMORY_LIMIT", "failed:MEMORY_LIMIT:killed: MEMORY_LIMIT",
                "failed:MEMORY_LIMIT:killed: MEMORY_LIMIT", "failed:MEMORY_LIMIT:killed: MEMORY_LIMIT",
                "[1]", "[2]");
        // Every operator closed its lease: the pool let go of all three engines.
        assertThat(EnginePool.SHARED.size()).isZero();
    }

    @Test
    void theAsyncOperatorGivesTheSameOutputsAndContainsALoop() throws Exception {
        List<String> records = documents(7L, 60);
        List<String> expected = direct("json", records);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        EngineSpec json = EngineSpec.of("json", Engines.bytes("json")).withOutputCapacity(OUT).build();
        EngineSpec loop = EngineSpec.of("hostile-loop", Engines.bytes("hostile-loop"))
                .withCodec(Codec.NO_ARGUMENTS).withDeadline(Duration.ofMillis(300)).build();
        DataStream<byte[]> bytes = env.fromData(records).map(s -> s.getBytes(UTF_8)).returns(byte[].class);
        DataStream<byte[]> two = env.fromData("a", "b").map(s -> s.getBytes(UTF_8)).returns(byte[].class);
        List<String> all = new ArrayList<>();
        try (CloseableIterator<String> it = Hermetic.processAsync(bytes, json, 4, Duration.ofSeconds(5))
                .union(Hermetic.processAsync(two, loop, 2, Duration.ofSeconds(5)))
                .map(HermeticFlinkTest::describe).returns(Types.STRING).executeAndCollect()) {
            it.forEachRemaining(all::add);
        }
        List<String> want = new ArrayList<>(expected);
        want.add("failed:DEADLINE:killed: DEADLINE");
        want.add("failed:DEADLINE:killed: DEADLINE");
        assertThat(all).containsExactlyInAnyOrderElementsOf(want);
    }

    @Test
    void eachOperatorCountsRecordsAndOutcomesAndTimesThem() throws Exception {
        List<String> records = documents(99L, 70);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        EngineSpec json = EngineSpec.of("json", Engines.bytes("json")).withOutputCapacity(OUT).build();
        CloseableIterator<EngineResult> results = Hermetic.processText(env.fromData(records), json).collectAsync();
        JobClient job = env.executeAsync();
        int n = 0;
        try (results) {
            while (results.hasNext()) {
                results.next();
                n++;
            }
        }
        job.getJobExecutionResult().get();
        assertThat(n).isEqualTo(70);

        Map<String, Metric> metrics = REPORTER.findMetrics(job.getJobID(), "hermetic.json.");
        assertThat(sum(metrics, "records")).isEqualTo(70);
        assertThat(sum(metrics, "status")).isEqualTo(10); // records 3, 10, ..., 66
        assertThat(sum(metrics, "ok")).isEqualTo(60);
        assertThat(sum(metrics, "deadline") + sum(metrics, "trapped") + sum(metrics, "memory_limit")).isZero();
        long timed = metrics.entrySet().stream().filter(e -> e.getKey().endsWith(".durationMicros"))
                .mapToLong(e -> ((Histogram) e.getValue()).getCount()).sum();
        assertThat(timed).isEqualTo(70);
    }

    /** A counter summed over the operator's subtasks. */
    private static long sum(Map<String, Metric> metrics, String name) {
        return metrics.entrySet().stream().filter(e -> e.getKey().endsWith(".hermetic.json." + name))
                .mapToLong(e -> ((Counter) e.getValue()).getCount()).sum();
    }

    @Test
    void cancellingTheJobKillsTheClonesInFlight() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // A deadline far past the test: only the cancellation can end these clones.
        EngineSpec loop = EngineSpec.of("hostile-loop", Engines.bytes("hostile-loop"))
                .withCodec(Codec.NO_ARGUMENTS).withDeadline(Duration.ofMinutes(10)).build();
        CloseableIterator<EngineResult> results = Hermetic.processText(env.fromData("a", "b"), loop).collectAsync();
        // The test's own lease keeps the engine's host open past the job: only the kill on
        // cancellation, not the host closing at the last lease, can end the clones.
        try (EnginePool.Lease held = EnginePool.SHARED.acquire(loop); results) {
            JobClient job = env.executeAsync();
            awaitUntil(() -> engineThreads("hermetic-hostile-loop-") == 2, "two clones spinning");
            job.cancel().get();
            awaitUntil(() -> engineThreads("hermetic-hostile-loop-") == 0, "no clone left after the cancel");
            awaitUntil(() -> job.getJobStatus().get() == org.apache.flink.api.common.JobStatus.CANCELED, "job cancelled");
            assertThat(EnginePool.SHARED.leases(loop.sha256())).isEqualTo(1);
        }
        assertThat(EnginePool.SHARED.size()).isZero();
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static long engineThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    /** Polls {@code condition} for up to 20 s; fails the test with {@code what} if it never holds. */
    private static void awaitUntil(Condition condition, String what) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void threeTenantsOnOneStreamEachGetTheirOwnEngine() throws Exception {
        List<String> docs = documents(5L, 40);
        List<String> texts = new ArrayList<>();
        List<TenantRecord> records = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            records.add(new TenantRecord("acme", docs.get(i).getBytes(UTF_8)));
            texts.add("line " + i);
            records.add(new TenantRecord("globex", texts.get(i).getBytes(UTF_8)));
        }
        records.add(new TenantRecord("initech", new byte[0]));
        records.add(new TenantRecord("nobody", new byte[0]));
        List<String> expected = new ArrayList<>();
        direct("json", docs).forEach(s -> expected.add("acme=" + s));
        direct("sha256", texts).forEach(s -> expected.add("globex=" + s));
        expected.add("initech=failed:DEADLINE:killed: DEADLINE");
        expected.add("nobody=failed:REFUSED:no engine for tenant nobody");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        Map<String, EngineSpec> specs = Map.of(
                "acme", EngineSpec.of("json", Engines.bytes("json")).withOutputCapacity(OUT).build(),
                "globex", EngineSpec.of("sha256", Engines.bytes("sha256")).withOutputCapacity(OUT).build(),
                "initech", EngineSpec.of("hostile-loop", Engines.bytes("hostile-loop"))
                        .withCodec(Codec.NO_ARGUMENTS).withDeadline(Duration.ofMillis(300)).build());
        List<String> all = new ArrayList<>();
        try (CloseableIterator<String> it = Hermetic.processTenants(
                        env.fromData(records, TypeInformation.of(TenantRecord.class)), specs)
                .map(r -> r.tenant() + "=" + describe(r.result())).returns(Types.STRING).executeAndCollect()) {
            it.forEachRemaining(all::add);
        }
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(EnginePool.SHARED.size()).isZero();
    }
}
