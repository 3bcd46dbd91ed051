package dev.hermetic.host;

import dev.hermetic.engines.Engines;
import dev.hermetic.engines.KnownAnswers;
import dev.hermetic.engines.Workloads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What fuel metering costs: each bundled engine in compiled mode with the host's fuel meter
 * (the default) and without it, warm throughput in MB/s as PeerBench measures it (one warm
 * process, {@code engine_start} again and again), in one JVM, the two alternating per engine.
 * With the python {@code wasmtime} package ({@code -Dhermetic.python=...}, default python3),
 * Wasmtime's own fuel ({@code Config.consume_fuel}) on the same module is measured beside it,
 * the anchor for what metering should cost.
 *
 * <pre>{@code java -XX:-DontCompileHugeMethods -cp <test classpath> dev.hermetic.host.FuelBench [millis] [engine ...]}</pre>
 */
public final class FuelBench {
    private static final int INPUT = 256 << 10;
    private static final int ROUNDS = 4;

    private FuelBench() {}

    public static void main(String[] args) throws Exception {
        int millis = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        List<String> engines = args.length > 1 ? List.of(args).subList(1, args.length)
                : Stream.concat(Workloads.FILTERS.stream(), Workloads.PORTED.stream()).toList();
        String python = System.getProperty("hermetic.python", "python3");
        boolean wasmtime = WasmtimePeer.available(python);
        Path work = Files.createTempDirectory("fuel-bench");
        Limits limits = Limits.builder().withDeadline(Duration.ofMinutes(30)).withMaxMemoryBytes(1L << 30).build();
        System.out.printf(Locale.ROOT, "| %-10s | %9s | %9s | %13s | %14s | %11s | %13s | %14s |%n", "engine", "unmetered",
                "metered", "metered/unm.", "fuel per call", "wasmtime", "wasmtime fuel", "wt fuel/wt");
        System.out.println("|------------|-----------|-----------|---------------|----------------|-------------|---------------|----------------|");
        try (Host metered = Host.builder().withDefaultLimits(limits).withFuelMetering(true).build();
                Host plain = Host.builder().withDefaultLimits(limits).withFuelMetering(false).build()) {
            for (String name : engines) {
                byte[] wasm = Engines.bytes(name);
                // The ported engines' bench programs take tens of seconds a call: their known-answer scripts instead.
                byte[] input = Workloads.PORTED.contains(name) ? KnownAnswers.of(name).get(0).input() : Workloads.benchInput(name, INPUT);
                Engine a = plain.load(name, wasm);
                Engine b = metered.load(name, wasm);
                // Alternating rounds, the best of each: the machine's other load only ever slows a round down.
                double slow = 0;
                double fast = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    slow = Math.max(slow, PeerBench.hermeticMegabytesPerSecond(a, input, millis / ROUNDS));
                    fast = Math.max(fast, PeerBench.hermeticMegabytesPerSecond(b, input, millis / ROUNDS));
                }
                long fuel = callFuel(b, input);
                double wt = Double.NaN;
                double wtFuel = Double.NaN;
                if (wasmtime) {
                    String digest = PeerBench.outputDigest(a, input);
                    wt = WasmtimePeer.megabytesPerSecond(python, name, input, digest, millis, work, false);
                    wtFuel = WasmtimePeer.megabytesPerSecond(python, name, input, digest, millis, work, true);
                }
                System.out.printf(Locale.ROOT, "| %-10s | %9.2f | %9.2f | %13.3f | %14d | %11.2f | %13.2f | %14.3f |%n", name,
                        slow, fast, fast / slow, fuel, wt, wtFuel, wtFuel / wt);
            }
        }
    }

    /** The fuel of one engine_start on {@code input} in a warm process. */
    private static long callFuel(Engine engine, byte[] input) throws InterruptedException {
        try (WarmProcess w = engine.warmProcess()) {
            return w.filter(FilterRequest.of(input).withOutputCapacity(4 << 20)).measurements().fuelConsumed();
        }
    }
}
