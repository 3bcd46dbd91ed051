package dev.hermetic.engines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of every real filter engine on Chicory (compiled), V8 (node) and native gcc -O2
 * (C engines), measured side by side in one run, printed as one table. Not part of
 * {@code mvn verify}; run it with
 *
 * <pre>
 * mvn -B -q -pl wasm-engines test-compile exec:java \
 *     -Dexec.mainClass=dev.hermetic.engines.EngineBench -Dexec.classpathScope=test
 * </pre>
 *
 * from the repository root (input size and time per measurement: {@code -Dbench.bytes},
 * {@code -Dbench.millis}).
 */
public final class EngineBench {

    /** Output capacity per call; larger than any bench output. */
    private static final int OUT_CAP = 4 << 20;

    /** C engines, by engine name, whose source the native driver compiles. */
    private static final List<String> C_ENGINES = List.of("sha256", "csv-stats");

    private EngineBench() {}

    public static void main(String[] args) throws Exception {
        int bytes = Integer.getInteger("bench.bytes", 256 * 1024);
        int millis = Integer.getInteger("bench.millis", 1500);
        Path work = Files.createTempDirectory("engine-bench");
        boolean node = nodeAvailable();

        System.out.printf(Locale.ROOT, "input %d KiB per call, %d ms per measurement%n", bytes / 1024, millis);
        System.out.printf(Locale.ROOT, "%-11s %9s %12s %12s %12s %11s %12s%n", "engine", "wasm KiB",
                "Chicory MB/s", "V8 MB/s", "native MB/s", "Chicory/V8", "Chicory/nat");
        for (String engine : Workloads.FILTERS) {
            byte[] input = Workloads.benchInput(engine, bytes);
            double chicory = chicoryMegabytesPerSecond(engine, input, millis);
            double v8 = node ? v8MegabytesPerSecond(engine, input, millis, work) : Double.NaN;
            double nativeRate = nativeMegabytesPerSecond(engine, input, millis, work);
            System.out.printf(Locale.ROOT, "%-11s %9.1f %12.2f %12.2f %12.2f %11.2f %12.2f%n", engine,
                    Engines.bytes(engine).length / 1024.0, chicory, v8, nativeRate, chicory / v8,
                    chicory / nativeRate);
        }
        byte[] sample = ClassifierEngineTest.SAMPLE.getBytes(StandardCharsets.UTF_8);
        for (int round = 1; round <= 3; round++) {
            ChicoryEngine classifier = ChicoryEngine.start("classifier");
            long start = System.nanoTime();
            classifier.call("engine_init");
            double initMillis = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            check(classifier.filter(sample, 4096));
            double startMillis = (System.nanoTime() - start) / 1e6;
            System.out.printf(Locale.ROOT, "classifier on Chicory, instance %d: engine_init %.1f ms,"
                    + " then engine_start on %d lines %.2f ms%n", round, initMillis,
                    ClassifierEngineTest.SAMPLE.lines().count(), startMillis);
        }
    }

    /**
     * Calls {@code call} in rounds of {@code millis} until the third or a later round's rate is
     * within 5% of the round before (at most 20 rounds): a JIT's compiler threads can starve for
     * seconds on a loaded machine, and a fixed warm-up would then measure its interpreter.
     */
    public static void warmToSteadyRate(int millis, Runnable call) {
        double previous = 0;
        for (int round = 0; round < 20; round++) {
            long n = 0;
            long roundStart = System.nanoTime();
            while (System.nanoTime() - roundStart < millis * 1_000_000L) {
                call.run();
                n++;
            }
            double rate = n / (double) (System.nanoTime() - roundStart);
            if (round >= 2 && Math.abs(rate - previous) <= 0.05 * previous) {
                return;
            }
            previous = rate;
        }
    }

    /** Whether node runs here; the V8 column needs it. */
    public static boolean nodeAvailable() {
        return NodePeerTest.nodeAvailable();
    }

    /** Node's V8 on the same .wasm, through src/test/node/run-engine.mjs; needs node on the PATH. */
    public static double v8MegabytesPerSecond(String engine, byte[] input, int millis, Path work)
            throws IOException, InterruptedException {
        Path module = locateModule();
        Path in = work.resolve(engine + ".in");
        Files.write(in, input);
        Path wasm = work.resolve(engine + ".wasm");
        Files.write(wasm, Engines.bytes(engine));
        return rate(input.length, run(module, List.of("node", "src/test/node/run-engine.mjs", "bench",
                wasm.toString(), Integer.toString(OUT_CAP), in.toString(), Integer.toString(millis))));
    }

    /** The C engine's own source built natively with gcc -O2; NaN for an engine that is not C. */
    public static double nativeMegabytesPerSecond(String engine, byte[] input, int millis, Path work)
            throws IOException, InterruptedException {
        if (!C_ENGINES.contains(engine)) {
            return Double.NaN;
        }
        Path module = locateModule();
        Path in = work.resolve(engine + ".in");
        Files.write(in, input);
        Path binary = work.resolve(engine + "-native");
        run(module, List.of("gcc", "-O2", "-Wno-attributes", "-I", "sdk/c/include",
                "-DENGINE_SOURCE=\"" + module.resolve("engines/c/" + engine + ".c") + "\"",
                "-o", binary.toString(), "src/test/native/filter_bench.c", "-lm"));
        return rate(input.length, run(module, List.of(binary.toString(), in.toString(),
                Integer.toString(OUT_CAP), Integer.toString(millis))));
    }

    /**
     * One instance, input placed once (as the V8 and native drivers do), engine_start repeated:
     * a warm-up period, then at least {@code millis}.
     */
    public static double chicoryMegabytesPerSecond(String engine, byte[] input, int millis) {
        ChicoryEngine instance = ChicoryEngine.start(engine);
        check(instance.filter(input, OUT_CAP));
        int base = (int) instance.call("hermetic_span_window")[0];
        long[] args = {base, input.length, base + ChicoryEngine.roundUp(input.length), OUT_CAP};
        warmToSteadyRate(millis, () -> instance.call("engine_start", args));
        long calls = 0;
        long start = System.nanoTime();
        long elapsed = 0;
        while (elapsed < millis * 1_000_000L) {
            if (instance.call("engine_start", args)[0] < 0) {
                throw new IllegalStateException(engine + " failed");
            }
            calls++;
            elapsed = System.nanoTime() - start;
        }
        return (double) input.length * calls / elapsed * 1e3;
    }

    private static void check(ChicoryEngine.FilterResult result) {
        if (result.status() < 0) {
            throw new IllegalStateException("engine failed with status " + result.status());
        }
    }

    /** Parses "calls N nanos T" into MB/s. */
    private static double rate(int inputBytes, String report) {
        String[] words = report.trim().split("\\s+");
        long calls = Long.parseLong(words[1]);
        long nanos = Long.parseLong(words[3]);
        return (double) inputBytes * calls / nanos * 1e3;
    }

    static String run(Path dir, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    /** The wasm-engines folder, whether run from it or from the repository root. */
    static Path locateModule() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("sdk")) ? here : here.resolve("wasm-engines");
    }
}
