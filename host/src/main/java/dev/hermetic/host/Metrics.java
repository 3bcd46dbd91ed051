package dev.hermetic.host;

import dev.hermetic.hooks.HookStatus;
import dev.hermetic.host.internal.CodeStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The host's meters. Names are dotted lowercase; tags are bounded (engine name, outcome,
 * trap kind or kill reason, cache result). Without a user registry every call returns at once
 * (a process served then pays for no meter lookups). A registry that throws loses its meters, never a process:
 * every call here catches what the registry throws and logs the first failure.
 */
final class Metrics {
    private static final System.Logger LOG = System.getLogger(Metrics.class.getName());

    /** Where meters are registered; the user's registry, never a global one; null for none. */
    private final MeterRegistry registry;
    /** Whether a registry failure has been logged; only the first is. */
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /**
     * @param registry the user's registry, or null for none
     * @param liveCommittedBytes reads the bytes committed by live processes, summed
     */
    public Metrics(MeterRegistry registry, LongSupplier liveCommittedBytes) {
        this.registry = registry;
        record(() -> Gauge.builder("hermetic.memory.committed", liveCommittedBytes, s -> (double) s.getAsLong())
                .description("Bytes committed by live processes")
                .baseUnit("bytes")
                .strongReference(true)
                .register(this.registry));
    }

    /** Runs one meter update; what the registry throws is logged once and dropped. */
    private void record(Runnable update) {
        if (registry == null) {
            return;
        }
        try {
            update.run();
        } catch (RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "the meter registry threw; meters are dropped while it does", e);
            }
        }
    }

    public void processStarted(String engine) {
        record(() -> {
            Counter.builder("hermetic.process.started").tag("engine", engine).register(registry).increment();
        });
    }

    public void processEnded(String engine, ProcessResult result, Duration duration) {
        record(() -> {
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
        });
    }

    /** Fuel one process (or warm-process call) consumed; the summary's total is the engine's fuel consumed. */
    public void fuelConsumed(String engine, long fuel) {
        if (fuel < 0) {
            return;
        }
        record(() -> {
            io.micrometer.core.instrument.DistributionSummary.builder("hermetic.process.fuel")
                    .description("Fuel consumed per process: deterministic instruction units (host/README.md, Fuel)")
                    .baseUnit("fuel")
                    .tag("engine", engine)
                    .register(registry)
                    .record(fuel);
        });
    }

    public void killLatency(String engine, Duration latency) {
        record(() -> {
            Timer.builder("hermetic.process.kill.latency")
                    .description("From a deadline or kill to the engine thread's end")
                    .tag("engine", engine)
                    .register(registry)
                    .record(latency);
        });
    }

    public void copyOnWriteFaults(String engine, long faults) {
        record(() -> {
            Counter.builder("hermetic.memory.cow.faults")
                    .description("Write faults that committed a page: copy-on-write copies and fresh zero pages")
                    .tag("engine", engine)
                    .register(registry)
                    .increment(faults);
        });
    }

    /** The code cache's answer for one compiled load: hit, absent or rejected. */
    public void codeCache(CodeStore.Outcome outcome) {
        record(() -> Counter.builder("hermetic.code.cache")
                .description("Compiled loads by what the on-disk code cache gave: hit, absent, rejected")
                .tag("result", outcome.name().toLowerCase(java.util.Locale.ROOT))
                .register(registry)
                .increment());
    }

    /**
     * 1 when this JVM JIT-compiles huge methods (large engine functions), 0 when it leaves them
     * to its interpreter, NaN when it cannot tell.
     */
    public void hugeMethodsCompiled(java.util.Optional<Boolean> compiled) {
        double value = compiled.map(c -> c ? 1.0 : 0.0).orElse(Double.NaN);
        record(() -> Gauge.builder("hermetic.jvm.huge.methods.compiled", () -> value)
                .description("1 if the JVM JIT-compiles methods over 8000 bytecodes (-XX:-DontCompileHugeMethods), 0 if not")
                .register(registry));
    }

    /** What loading an engine split: counted once per load. */
    public void functionsSplit(String engine, SplitReport report) {
        record(() -> functionsSplitNow(engine, report));
    }

    private void functionsSplitNow(String engine, SplitReport report) {
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
        record(() -> {
            Counter.builder("hermetic.engine.cache").tag("result", hit ? "hit" : "miss").register(registry).increment();
        });
    }

    /** One hook call attempt; {@code hook} is null when the engine named no granted hook. */
    public void hookCall(String engine, String hook, long result) {
        record(() -> {
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
        });
    }
}
