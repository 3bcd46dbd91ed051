package dev.hermetic.host.internal;

import dev.hermetic.hooks.HookStatus;
import dev.hermetic.host.ProcessResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The host's meters. Names are dotted lowercase; tags are bounded (engine name, outcome,
 * trap kind or kill reason, cache result). Without a user registry an empty composite registry
 * takes the calls and keeps nothing.
 */
public final class Metrics {
    /** Where meters are registered; the user's registry, never a global one. */
    private final MeterRegistry registry;

    /**
     * @param registry the user's registry, or null for none
     * @param liveCommittedBytes reads the bytes committed by live processes, summed
     */
    public Metrics(MeterRegistry registry, LongSupplier liveCommittedBytes) {
        this.registry = registry == null ? new CompositeMeterRegistry() : registry;
        Gauge.builder("hermetic.memory.committed", liveCommittedBytes, s -> (double) s.getAsLong())
                .description("Bytes committed by live processes")
                .baseUnit("bytes")
                .strongReference(true)
                .register(this.registry);
    }

    public void processStarted(String engine) {
        Counter.builder("hermetic.process.started").tag("engine", engine).register(registry).increment();
    }

    public void processEnded(String engine, ProcessResult result, Duration duration) {
        String detail;
        if (result instanceof ProcessResult.Trapped t) {
            detail = t.kind().name().toLowerCase(java.util.Locale.ROOT);
        } else if (result instanceof ProcessResult.Killed k) {
            detail = k.reason().name().toLowerCase(java.util.Locale.ROOT);
        } else {
            detail = "none";
        }
        Counter.builder("hermetic.process.ended")
                .tag("engine", engine)
                .tag("outcome", result.outcome())
                .tag("detail", detail)
                .register(registry)
                .increment();
        Timer.builder("hermetic.process.duration")
                .tag("engine", engine)
                .tag("outcome", result.outcome())
                .register(registry)
                .record(duration);
    }

    public void killLatency(String engine, Duration latency) {
        Timer.builder("hermetic.process.kill.latency")
                .description("From a deadline or kill to the engine thread's end")
                .tag("engine", engine)
                .register(registry)
                .record(latency);
    }

    public void copyOnWriteFaults(String engine, long faults) {
        Counter.builder("hermetic.memory.cow.faults")
                .description("Write faults that committed a page: copy-on-write copies and fresh zero pages")
                .tag("engine", engine)
                .register(registry)
                .increment(faults);
    }

    /** What loading an engine split: counted once per load. */
    public void functionsSplit(String engine, dev.hermetic.host.SplitReport report) {
        Counter.builder("hermetic.engine.functions.split")
                .description("Functions split at load because their JVM methods were too large for the JIT")
                .tag("engine", engine)
                .register(registry)
                .increment(report.functionsSplit());
        Counter.builder("hermetic.engine.split.pieces")
                .description("New functions made by splitting functions too large for the JIT")
                .tag("engine", engine)
                .register(registry)
                .increment(report.piecesMade());
        Counter.builder("hermetic.engine.functions.too.large")
                .description("Functions left too large for the JIT after splitting: they run in the JVM's interpreter")
                .tag("engine", engine)
                .register(registry)
                .increment(report.functionsLeftTooLarge());
    }

    public void engineCache(boolean hit) {
        Counter.builder("hermetic.engine.cache").tag("result", hit ? "hit" : "miss").register(registry).increment();
    }

    /** One hook call attempt; {@code hook} is null when the engine named no granted hook. */
    public void hookCall(String engine, String hook, long result) {
        String outcome = "ok";
        if (result < 0) {
            outcome = "status" + result;
            for (HookStatus status : HookStatus.values()) {
                if (status.code() == result) {
                    outcome = status.name().toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        Counter.builder("hermetic.hook.calls")
                .description("Hook call attempts by hook and outcome")
                .tag("engine", engine)
                .tag("hook", hook != null ? hook : "ungranted")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }
}
