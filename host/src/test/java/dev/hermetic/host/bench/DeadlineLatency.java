package dev.hermetic.host.bench;

import dev.hermetic.host.Engine;
import dev.hermetic.host.EngineProcess;
import dev.hermetic.host.ExecutionMode;
import dev.hermetic.host.Fixtures;
import dev.hermetic.host.Host;
import dev.hermetic.host.Limits;
import dev.hermetic.host.ProcessResult;
import java.time.Duration;
import java.util.Arrays;

/**
 * How long after its deadline an engine thread really stops, per execution mode: runs a spinning
 * engine with a 20 ms deadline many times and prints a table of stop latencies.
 *
 * <pre>mvn -B -q -pl host -am install -DskipTests
 * mvn -B -q -pl host dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt
 * java -cp "host/target/test-classes:host/target/classes:$(cat host/cp.txt)" dev.hermetic.host.bench.DeadlineLatency</pre>
 */
public final class DeadlineLatency {
    private DeadlineLatency() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        byte[] loop = Fixtures.engine("hostile-loop");
        System.out.printf("%-12s %6s %10s %10s %10s %10s%n", "mode", "runs", "min us", "median us", "p99 us", "max us");
        for (ExecutionMode mode : ExecutionMode.values()) {
            try (Host host = Host.builder().withExecutionMode(mode).build()) {
                Engine engine = host.load(loop);
                Limits limits = Limits.builder().withDeadline(Duration.ofMillis(20)).build();
                long[] micros = new long[runs];
                for (int i = 0; i < runs; i++) {
                    EngineProcess p = engine.newProcess(limits).start();
                    ProcessResult r = p.await();
                    if (!(r instanceof ProcessResult.Killed)) {
                        throw new IllegalStateException("expected a kill, got " + r);
                    }
                    micros[i] = p.stopLatency().orElseThrow().toNanos() / 1000;
                }
                Arrays.sort(micros);
                System.out.printf("%-12s %6d %10d %10d %10d %10d%n", mode, runs, micros[0], micros[runs / 2],
                        micros[Math.min(runs - 1, runs * 99 / 100)], micros[runs - 1]);
            }
        }
    }
}
