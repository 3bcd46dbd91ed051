package dev.hermetic.examples;

import dev.hermetic.engines.Engines;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import dev.hermetic.host.Value;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs engines that misbehave — one spins forever, one grows memory until refused, one
 * recurses without end — each under tight limits, then shows the same host still runs a
 * well-behaved engine. Every end is a value: nothing is thrown at the caller.
 *
 * <pre>mvn -q -pl examples exec:java -Dexec.mainClass=dev.hermetic.examples.ContainHostileEngines</pre>
 */
public final class ContainHostileEngines {
    private ContainHostileEngines() {}

    public static void main(String[] args) throws InterruptedException {
        run(System.out);
    }

    /** Runs each engine and prints how it ended; returns the results by engine name. */
    static Map<String, ProcessResult> run(PrintStream out) throws InterruptedException {
        Limits tight = Limits.builder()
                .withDeadline(Duration.ofMillis(300))
                .withMaxMemoryBytes(4L << 20)
                .withStackBytes(512L << 10)
                .build();
        Map<String, ProcessResult> results = new LinkedHashMap<>();
        try (Host host = Host.builder().withDefaultLimits(tight).build()) {
            for (String name : new String[] {"hostile-loop", "hostile-memory-bomb", "hostile-recursion"}) {
                var process = host.load(name, Engines.bytes(name)).newProcess().start();
                ProcessResult result = process.await();
                results.put(name, result);
                out.printf("%-20s %s after %d ms%n", name, result, process.duration().toMillis());
            }
            ProcessResult sum = host.load("hc-add", Engines.bytes("hc-add"))
                    .newProcess()
                    .start(Value.i32(17), Value.i32(23))
                    .await();
            results.put("hc-add", sum);
            out.printf("%-20s %s: the host keeps working%n", "hc-add 17 + 23", sum);
        }
        return results;
    }
}
