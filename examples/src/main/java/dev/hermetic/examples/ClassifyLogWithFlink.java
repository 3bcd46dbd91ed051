package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.flink.Bundling;
import dev.hermetic.flink.EngineResult;
import dev.hermetic.flink.EngineSpec;
import dev.hermetic.flink.Hermetic;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Warmup;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * A Flink job that labels every line of a log file with the bundled {@code classifier} engine
 * and counts the lines per label. The client warms the engine once (its {@code engine_init}
 * compiles 320 regexes) and ships the warm state in the job; each task manager clones it; lines
 * go in bundles of 200, one clone per bundle, because a clone of the classifier costs far more
 * than labelling a line. Locally ({@code getExecutionEnvironment()} outside a cluster) Flink
 * starts a mini cluster in this JVM; submitted with {@code flink run}, it runs on the cluster.
 *
 * <p>The lines are read on the client and shipped with the job, which suits a file of a few MB;
 * for a large log read it on the task managers with Flink's {@code FileSource}
 * ({@code flink-connector-files}) instead of {@code fromData}.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.ClassifyLogWithFlink -Dexec.args="app.log 2"</pre>
 */
public final class ClassifyLogWithFlink {
    private ClassifyLogWithFlink() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ClassifyLogWithFlink LOG_FILE [PARALLELISM]");
            System.exit(2);
        }
        run(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 2, System.out);
    }

    /** Labels every line of {@code log} on Flink; prints and returns the count of lines per label. */
    public static Map<String, Long> run(Path log, int parallelism, PrintStream out) throws Exception {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        EngineSpec spec;
        // The init runs here, once, hermetically; workers get its result and run no init.
        Limits warmUp = Limits.builder().withDeadline(Duration.ofMinutes(5)).withMaxCommittedBytes(256L << 20).build();
        try (Host host = Host.builder().build();
                Snapshot warm = host.load("classifier", Engines.bytes("classifier")).snapshot(warmUp, Warmup.engineInit())) {
            spec = EngineSpec.preInitialized("classifier", warm)
                    .withDeadline(Duration.ofSeconds(60)).withMaxCommittedBytes(128L << 20).build();
        }
        out.printf("warmed classifier in %d ms; the job carries %s%n", (System.nanoTime() - t0) / 1_000_000, spec);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(parallelism);
        Bundling bundles = Bundling.lines().withMaxRecords(200).withMaxDelay(Duration.ofSeconds(1)).build();
        Map<String, Long> counts = new TreeMap<>();
        long t1 = System.nanoTime();
        try (CloseableIterator<Tuple2<String, Long>> it = Hermetic.processTextBundled(env.fromData(lines), spec, bundles)
                .map(ClassifyLogWithFlink::label).returns(Types.STRING)
                .map(label -> Tuple2.of(label, 1L)).returns(Types.TUPLE(Types.STRING, Types.LONG))
                .keyBy(t -> t.f0)
                .sum(1)
                .executeAndCollect("classify " + log.getFileName())) {
            // In BATCH mode the keyed sum emits each label's final count once.
            it.forEachRemaining(t -> counts.put(t.f0, t.f1));
        }
        out.printf("%d lines labelled on Flink (parallelism %d) in %d ms%n", lines.size(), parallelism,
                (System.nanoTime() - t1) / 1_000_000);
        out.printf("%-12s %8s%n", "label", "lines");
        counts.forEach((label, n) -> out.printf("%-12s %8d%n", label, n));
        return counts;
    }

    /** The engine's label without its newline; an empty line's empty output is {@code (empty)}. */
    private static String label(EngineResult result) {
        if (result instanceof EngineResult.Ok ok) {
            String text = ok.text().strip();
            return text.isEmpty() ? "(empty)" : text;
        }
        return "failed:" + ((EngineResult.Failed) result).kind();
    }
}
