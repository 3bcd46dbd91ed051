package dev.hermetic.host;

import dev.hermetic.engines.Engines;
import dev.hermetic.engines.Workloads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each JVM flag buys engines: every filter engine's warm throughput, and classifier's
 * compile and {@code engine_init} time, each in a fresh JVM per flag set, printed as one table of
 * ratios against HotSpot's defaults.
 *
 * <pre>
 * mvn -B -q -pl host -am package -DskipTests &amp;&amp; mvn -B -q -pl host -am test-compile
 * java -cp host/target/test-classes:wasm-engines/target/classes:wasm-engines/target/test-classes:host/target/hermetic.jar \
 *     dev.hermetic.host.JvmFlagsBench [millis]
 * </pre>
 */
public final class JvmFlagsBench {
    /** The flag sets compared; the first is HotSpot's defaults. */
    private static final List<String> FLAG_SETS = List.of(
            "",
            "-XX:-DontCompileHugeMethods",
            "-XX:-DontCompileHugeMethods -XX:ReservedCodeCacheSize=512m",
            "-XX:-DontCompileHugeMethods -XX:-TieredCompilation");

    private JvmFlagsBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Integer.parseInt(args[1]));
            return;
        }
        int millis = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Map<String, Double>> results = new ArrayList<>();
        for (String flags : FLAG_SETS) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx4g"));
            if (!flags.isEmpty()) {
                command.addAll(List.of(flags.split(" ")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), JvmFlagsBench.class.getName(),
                    "--child", Integer.toString(millis)));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Map<String, Double> r = new LinkedHashMap<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] kv = line.split(" ");
                    r.put(kv[0], Double.parseDouble(kv[1]));
                }
            }
            p.waitFor();
            results.add(r);
        }
        System.out.println("Each column: a fresh JVM with these flags (and -Xmx4g); warm throughput in MB/s for HotSpot's");
        System.out.println("defaults, then each set as a ratio to the defaults (> 1 is better; for times, < 1 is better).");
        System.out.println();
        StringBuilder header = new StringBuilder("| measure | defaults |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (int i = 1; i < FLAG_SETS.size(); i++) {
            header.append(' ').append(FLAG_SETS.get(i).replace("-XX:-DontCompileHugeMethods", "huge").trim()).append(" |");
            rule.append("---:|");
        }
        System.out.println(header);
        System.out.println(rule);
        for (String measure : results.get(0).keySet()) {
            double base = results.get(0).get(measure);
            StringBuilder row = new StringBuilder("| " + measure + " | " + String.format(Locale.ROOT, "%.2f", base) + " |");
            for (int i = 1; i < results.size(); i++) {
                Double v = results.get(i).get(measure);
                row.append(v == null ? " – |" : String.format(Locale.ROOT, " %.2f |", v / base));
            }
            System.out.println(row);
        }
    }

    /** One JVM's measurements, one {@code name value} line each. */
    private static void child(int millis) throws InterruptedException {
        try (Host host = Host.builder().withDefaultLimits(Limits.builder().withDeadline(Duration.ofMinutes(10))
                .withMaxMemoryBytes(1L << 30).build()).build()) {
            long t0 = System.nanoTime();
            Engine classifier = host.load("classifier", Engines.bytes("classifier"));
            long t1 = System.nanoTime();
            try (Snapshot warm = classifier.snapshot(host.defaultLimits(), Warmup.engineInit())) {
                long t2 = System.nanoTime();
                System.out.printf(Locale.ROOT, "classifier-compile-ms %.1f%n", (t1 - t0) / 1e6);
                System.out.printf(Locale.ROOT, "classifier-init-ms %.1f%n", (t2 - t1) / 1e6);
            }
            for (String name : Workloads.FILTERS) {
                byte[] input = Workloads.benchInput(name, 256 * 1024);
                double rate = PeerBench.hermeticMegabytesPerSecond(host.load(name, Engines.bytes(name)), input, millis);
                System.out.printf(Locale.ROOT, "%s-MB/s %.2f%n", name, rate);
            }
        }
    }
}
