package dev.hermetic.host;

import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import java.time.Duration;
import java.util.List;

/**
 * Each bundled filter engine with its large functions split (the host's default) and unsplit,
 * in one JVM with HotSpot's default flags: warm throughput in MB/s, as PeerBench measures it
 * (one warm process, {@code engine_start} again and again). Unsplit, a function whose method
 * is over 8,000 bytes of bytecode runs in the JVM's interpreter. Run it with
 * {@code -XX:+PrintCompilation} to see which methods HotSpot compiles.
 *
 * <pre>{@code java -cp <test classpath> dev.hermetic.host.SplitBench [millis] [engine ...]}</pre>
 */
public final class SplitBench {
    private static final int INPUT = 256 << 10;

    private SplitBench() {}

    public static void main(String[] args) throws InterruptedException {
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
                double slow = PeerBench.hermeticMegabytesPerSecond(a, input, millis);
                double fast = PeerBench.hermeticMegabytesPerSecond(b, input, millis);
                System.out.printf("%-11s %10.2f %10.2f %7.2f %d (%d)%n", name, slow, fast, fast / slow,
                        b.info().split().functionsSplit(), b.info().split().piecesMade());
            }
        }
    }
}
