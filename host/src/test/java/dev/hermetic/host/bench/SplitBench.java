package dev.hermetic.host.bench;

import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import dev.hermetic.host.Engine;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.Snapshot;
import dev.hermetic.host.Span;
import dev.hermetic.host.Warmup;
import dev.hermetic.vmo.Vmo;
import java.time.Duration;
import java.util.List;

/**
 * Each bundled filter engine with its large functions split (the host's default) and unsplit,
 * in one JVM with HotSpot's default flags: warm throughput in MB/s, as PeerBench measures it
 * (one warm process, {@code engine_start} again and again). Unsplit, a function whose method
 * is over 8,000 bytes of bytecode runs in the JVM's interpreter. Run it with
 * {@code -XX:+PrintCompilation} to see which methods HotSpot compiles.
 *
 * <pre>{@code java -cp <test classpath> dev.hermetic.host.bench.SplitBench [millis] [engine ...]}</pre>
 */
public final class SplitBench {
    private static final int OUT_CAP = 4 << 20;
    private static final int INPUT = 256 << 10;

    private SplitBench() {}

    public static void main(String[] args) {
        int millis = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        List<String> engines = args.length > 1 ? List.of(args).subList(1, args.length) : Workloads.FILTERS;
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(30)).build();
        System.out.printf("%-11s %10s %10s %7s %s%n", "engine", "unsplit", "split", "split/", "functions split (pieces)");
        try (Host split = Host.builder().withDefaultLimits(limits).build();
                Host unsplit = Host.builder().withDefaultLimits(limits).withFunctionSplitting(false).build()) {
            for (String name : engines) {
                byte[] wasm = Engines.bytes(name);
                byte[] input = Workloads.benchInput(name, INPUT);
                Engine a = unsplit.load(name, wasm);
                Engine b = split.load(name, wasm);
                double slow = megabytesPerSecond(a, limits, input, millis);
                double fast = megabytesPerSecond(b, limits, input, millis);
                System.out.printf("%-11s %10.2f %10.2f %7.2f %d (%d)%n", name, slow, fast, fast / slow,
                        b.info().split().functionsSplit(), b.info().split().piecesMade());
            }
        }
    }

    /** One warm process: warmed for {@code millis}, then measured for {@code millis}. */
    static double megabytesPerSecond(Engine engine, Limits limits, byte[] input, int millis) {
        double[] rate = new double[1];
        Vmo in = Vmo.create(input.length);
        in.write(input, 0);
        Vmo out = Vmo.create(OUT_CAP);
        Span inSpan = Span.readOnly(in, 0, input.length);
        Span outSpan = Span.writable(out, 0, OUT_CAP);
        try (Snapshot unused = engine.snapshot(limits, w -> {
            Warmup.engineInit().run(w);
            long warmEnd = System.nanoTime() + millis * 1_000_000L;
            do {
                w.call("engine_start", inSpan, outSpan);
            } while (System.nanoTime() < warmEnd);
            long calls = 0;
            long start = System.nanoTime();
            long elapsed;
            do {
                if (w.call("engine_start", inSpan, outSpan).orElseThrow().asLong() < 0) {
                    throw new IllegalStateException(engine.name() + " failed");
                }
                calls++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < millis * 1_000_000L);
            rate[0] = (double) input.length * calls / elapsed * 1e3;
        })) {
            return rate[0];
        }
    }
}
