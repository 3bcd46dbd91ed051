package dev.hermetic.host.bench;

import dev.hermetic.engines.Engines;
import dev.hermetic.engines.PortedPeers;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.Engine;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Span;
import dev.hermetic.host.Warmup;
import dev.hermetic.vmo.Vmo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The ported engines on a heavy program each ({@link Workloads#portedBenchInput}: SQLite 50k
 * rows inserted, indexed, joined and sorted; Lua fib(30), a 1 MB string built and rewritten,
 * 300k values sorted): milliseconds per engine_start natively (the engine's C source and the
 * Debian library, gcc -O2), on V8, and on Hermetic warm (one process, after engine_init and one
 * untimed call), printed as one table. Every row checks that the three outputs are identical.
 *
 * <pre>wasm-engines/build.sh   # leaves the Debian sources in third-party/fetch.sh's cache
 * java -cp "host/target/test-classes:host/target/classes:..." dev.hermetic.host.bench.PortedEnginesBench [calls [engine...]]</pre>
 *
 * (classpath as in {@link DeadlineLatency}). {@code calls}: timed Hermetic calls (default 2),
 * then optionally the engines to run (default both); V8 and native are timed for at least 2 s
 * each after three warm-up calls.
 */
public final class PortedEnginesBench {
    private static final int OUT_CAP = 1 << 20;
    private static final int PEER_MILLIS = 2000;

    private PortedEnginesBench() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Path work = Files.createTempDirectory("ported-bench");
        System.out.printf(Locale.ROOT, "ms per engine_start (lower is better); Hermetic: %d timed calls after engine_init"
                + " and one untimed call%n", calls);
        System.out.println("| program | native gcc -O2 | V8 | Hermetic warm | Hermetic / V8 | output (sha-256, all equal) |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(30)).withMaxMemoryBytes(1L << 30).build();
        try (Host host = Host.builder().withDefaultLimits(limits).build()) {
            for (String name : args.length > 1 ? List.of(args).subList(1, args.length) : Workloads.PORTED) {
                byte[] input = Workloads.portedBenchInput(name);
                PortedPeers.Run nativeRun = PortedPeers.nativeBuild(name, input, OUT_CAP, PEER_MILLIS, work);
                PortedPeers.Run v8 = PortedPeers.v8(name, input, OUT_CAP, PEER_MILLIS, work);
                PortedPeers.Run hermetic = hermetic(host.load(name, Engines.bytes(name)), limits, input, calls);
                if (!Arrays.equals(nativeRun.output(), v8.output()) || !Arrays.equals(v8.output(), hermetic.output())) {
                    throw new IllegalStateException(name + ": the runtimes disagree:\nnative " + text(nativeRun)
                            + "\nV8 " + text(v8) + "\nHermetic " + text(hermetic));
                }
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.1f× slower | %s |%n", name,
                        nativeRun.millisPerCall(), v8.millisPerCall(), hermetic.millisPerCall(),
                        hermetic.millisPerCall() / v8.millisPerCall(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(v8.output())).substring(0, 16));
            }
        }
    }

    /** One warm process: engine_init and an untimed call in the warm-up, then {@code calls} timed calls. */
    private static PortedPeers.Run hermetic(Engine engine, Limits limits, byte[] input, int calls) throws InterruptedException {
        PortedPeers.Run[] run = new PortedPeers.Run[1];
        try (Vmo in = Vmo.create(input.length); Vmo out = Vmo.create(OUT_CAP)) {
            in.write(input, 0);
            Span inSpan = Span.readOnly(in, 0, input.length);
            Span outSpan = Span.writable(out, 0, OUT_CAP);
            try (Snapshot unused = engine.snapshot(limits, w -> {
                Warmup.engineInit().run(w);
                w.call("engine_start", inSpan, outSpan);
                long written = 0;
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    written = w.call("engine_start", inSpan, outSpan).orElseThrow().asLong();
                    if (written < 0) {
                        throw new IllegalStateException(engine.name() + " failed with status " + written);
                    }
                }
                double millis = (System.nanoTime() - start) / 1e6 / calls;
                byte[] output = new byte[(int) written];
                out.read(output, 0);
                run[0] = new PortedPeers.Run(millis, output);
            })) {
                return run[0];
            }
        }
    }

    private static String text(PortedPeers.Run run) {
        return new String(run.output(), StandardCharsets.UTF_8);
    }
}
