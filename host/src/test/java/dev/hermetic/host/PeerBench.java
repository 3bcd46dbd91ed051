package dev.hermetic.host;

import dev.hermetic.engines.EngineBench;
import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import dev.hermetic.vmo.Vmo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Where Hermetic stands against its peers, measured side by side in one run and printed as one
 * table: every real filter engine's throughput on Hermetic (compiled, VMO memory, one warm
 * process calling {@code engine_start} again and again), on plain Chicory with its
 * {@code ByteArrayMemory}, on Node's V8, on Wasmtime (Cranelift, through its Python package:
 * {@code -Dhermetic.python=/path/to/python} names an interpreter that has it; the column shows
 * "–" without one), on GraalWasm (Truffle's optimizing runtime on a JDK 21+,
 * {@code -Dhermetic.graalwasm.jdk=PATH}, by default Temurin 25; warmed as long as it is measured),
 * each with the output's SHA-256 checked equal to Hermetic's, and, for the C
 * engines, natively (gcc -O2). Every JIT (Hermetic's, plain Chicory's, GraalWasm's) is warmed in
 * rounds until its rate is steady before it is measured; then, with {@code -Dhermetic.wizer=PATH}, classifier
 * pre-initialized by Wizer and by Hermetic's snapshot (time, size, same output); then
 * classifier's startup, fresh instantiate against zygote spawn; then the memory of N clones.
 *
 * <pre>mvn -B -q install -DskipTests &amp;&amp; mvn -B -q -pl host -Pbench test-compile exec:exec [-Dbench.args="1500 1000"]</pre>
 *
 * Arguments: milliseconds per throughput measurement (default 1500) and clones (default 1000).
 * Input: 256 KiB per call, from the same generator as {@code EngineBench}.
 */
public final class PeerBench {
    private static final int IN_BYTES = 256 * 1024;
    private static final int OUT_CAP = 4 << 20;

    private PeerBench() {}

    public static void main(String[] args) throws Exception {
        int millis = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int clones = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        Path work = Files.createTempDirectory("peer-bench");
        boolean node = EngineBench.nodeAvailable();

        System.out.printf(Locale.ROOT, "Throughput, MB/s of input (%d KiB per call, %d ms per measurement; higher is better)%n",
                IN_BYTES / 1024, millis);
        String python = System.getProperty("hermetic.python", "python3");
        boolean wasmtime = WasmtimePeer.available(python);
        GraalWasmPeer graalWasm = GraalWasmPeer.prepare(work);
        System.out.printf(Locale.ROOT, "| %-10s | %9s | %14s | %9s | %9s | %9s | %9s | %16s | %11s | %17s | %18s |%n", "engine",
                "Hermetic", "plain Chicory", "V8", "Wasmtime", "GraalWasm", "native", "Hermetic/Chicory", "Hermetic/V8",
                "Hermetic/Wasmtime", "Hermetic/GraalWasm");
        System.out.printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(12), "-".repeat(10) + ":", "-".repeat(15) + ":",
                "-".repeat(10) + ":", "-".repeat(10) + ":", "-".repeat(10) + ":", "-".repeat(10) + ":", "-".repeat(17) + ":",
                "-".repeat(12) + ":", "-".repeat(18) + ":", "-".repeat(19) + ":");
        try (Host host = Host.builder().withDefaultLimits(Limits.builder().withDeadline(Duration.ofMinutes(10))
                .withMaxMemoryBytes(1L << 30).build()).build()) {
            for (String name : Workloads.FILTERS) {
                byte[] input = Workloads.benchInput(name, IN_BYTES);
                double hermetic = hermeticMegabytesPerSecond(host.load(name, Engines.bytes(name)), input, millis);
                double chicory = EngineBench.chicoryMegabytesPerSecond(name, input, millis);
                double v8 = node ? EngineBench.v8MegabytesPerSecond(name, input, millis, work) : Double.NaN;
                String digest = outputDigest(host.load(name, Engines.bytes(name)), input);
                double wt = wasmtime ? WasmtimePeer.megabytesPerSecond(python, name, input, digest, millis, work) : Double.NaN;
                double gw = graalWasm != null ? graalWasm.megabytesPerSecond(name, input, digest, millis, work) : Double.NaN;
                double nativeRate = EngineBench.nativeMegabytesPerSecond(name, input, millis, work);
                System.out.printf(Locale.ROOT, "| %-10s | %9.2f | %14.2f | %9.2f | %9s | %9s | %9s | %16.2f | %11.2f | %17s | %18s |%n",
                        name, hermetic, chicory, v8, orDash(wt), orDash(gw), orDash(nativeRate), hermetic / chicory, hermetic / v8,
                        orDash(hermetic / wt), orDash(hermetic / gw));
            }
        }
        System.out.println();
        String wizer = System.getProperty("hermetic.wizer");
        if (wizer != null) {
            preInitialization(wizer, work);
            System.out.println();
        }
        ZygoteBench.main(new String[] {"classifier", Integer.toString(clones)});
    }

    /**
     * classifier pre-initialized by Wizer ({@code -Dhermetic.wizer=/path/to/wizer}) and by
     * Hermetic's snapshot, each from the engine's bytes to a written module; both results then run
     * on Hermetic and must give the same output.
     */
    private static void preInitialization(String wizer, Path work) throws Exception {
        Path source = Files.write(work.resolve("classifier.wasm"), Engines.bytes("classifier"));
        Path wizered = work.resolve("classifier.wizer.wasm");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(wizer, source.toString(), "--init-func", "engine_init", "-o", wizered.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wizer failed:\n" + log);
        }
        double wizerSeconds = (System.nanoTime() - t0) / 1e9;
        byte[] hermeticModule;
        long t1 = System.nanoTime();
        try (Host host = Host.builder().withDefaultLimits(Limits.builder().withDeadline(Duration.ofMinutes(10))
                .withMaxMemoryBytes(1L << 30).build()).build();
                Snapshot snapshot = host.load("classifier", Engines.bytes("classifier")).snapshot()) {
            hermeticModule = snapshot.toPortableModule();
        }
        double hermeticSeconds = (System.nanoTime() - t1) / 1e9;
        byte[] input = Workloads.benchInput("classifier", 16 * 1024);
        String same;
        try (Host host = Host.builder().build()) {
            same = outputDigest(host.load(Files.readAllBytes(wizered)), input)
                    .equals(outputDigest(host.load(hermeticModule), input)) ? "same output" : "OUTPUTS DIFFER";
        }
        System.out.printf(Locale.ROOT, "Pre-initialization of classifier, bytes to written module: Wizer %.2f s, %,d bytes;"
                + " Hermetic snapshot (in this JVM, compile included) %.2f s, %,d bytes (%.2fx Wizer's time); %s%n",
                wizerSeconds, Files.size(wizered), hermeticSeconds, hermeticModule.length, hermeticSeconds / wizerSeconds, same);
    }

    private static String orDash(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The lowercase hex SHA-256 of what one process of {@code engine} outputs for {@code input}. */
    static String outputDigest(Engine engine, byte[] input) throws Exception {
        Vmo in = Vmo.create(input.length);
        in.write(input, 0);
        Vmo out = Vmo.create(OUT_CAP);
        ProcessResult r = engine.newProcess().start(Span.readOnly(in, 0, input.length), Span.writable(out, 0, OUT_CAP)).await();
        long n = ((ProcessResult.Returned) r).value().orElseThrow().asLong();
        byte[] bytes = new byte[(int) n];
        out.read(bytes, 0);
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** One warm process: the spans mapped and engine_start called again and again, as the peers do. */
    static double hermeticMegabytesPerSecond(Engine engine, byte[] input, int millis) throws InterruptedException {
        double[] rate = new double[1];
        Vmo in = Vmo.create(input.length);
        in.write(input, 0);
        Vmo out = Vmo.create(OUT_CAP);
        Span inSpan = Span.readOnly(in, 0, input.length);
        Span outSpan = Span.writable(out, 0, OUT_CAP);
        // A warm-up may call engine_start any number of times: the whole measurement is one.
        try (Snapshot unused = engine.snapshot(engine.host().defaultLimits(), w -> {
            Warmup.engineInit().run(w);
            EngineBench.warmToSteadyRate(millis, () -> w.call("engine_start", inSpan, outSpan));
            long calls = 0;
            long start = System.nanoTime();
            long elapsed = 0;
            while (elapsed < millis * 1_000_000L) {
                if (w.call("engine_start", inSpan, outSpan).orElseThrow().asLong() < 0) {
                    throw new IllegalStateException(engine.name() + " failed");
                }
                calls++;
                elapsed = System.nanoTime() - start;
            }
            rate[0] = (double) input.length * calls / elapsed * 1e3;
        })) {
            return rate[0];
        }
    }
}
