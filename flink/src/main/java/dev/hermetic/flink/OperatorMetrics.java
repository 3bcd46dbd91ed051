package dev.hermetic.flink;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * An operator's meters in its Flink metric group, under {@code hermetic.<engine>}: {@code records},
 * one counter per outcome ({@code ok} and each {@link FailureKind} in lower case),
 * {@code durationMicros}, a histogram of each process's time in the engine over the last 1000
 * (a bundle is one process), {@code memoryBudgetBytes}, the budget of the pool's host, and for
 * the bundling operator {@code bundles}, {@code bundlesRetried} (run again record by record)
 * and one {@code flush_<cause>} counter per {@link HermeticBundleOperator.Flush}. Not
 * thread-safe: the async function serializes its updates.
 */
final class OperatorMetrics {
    /** The histogram's window: the processes its quantiles cover. */
    static final int HISTOGRAM_WINDOW = 1000;

    /** Records run, whatever their outcome. */
    final Counter records;
    /** Records that produced output. */
    final Counter ok;
    /** Records that failed, by kind; one counter per kind. */
    final Map<FailureKind, Counter> failed = new EnumMap<>(FailureKind.class);
    /** Microseconds from spawn to result, per process. */
    final Histogram durationMicros;
    /** Bundles flushed, by cause. */
    private final Map<HermeticBundleOperator.Flush, Counter> flushes = new EnumMap<>(HermeticBundleOperator.Flush.class);
    /** Bundles that ran again record by record. */
    private final Counter bundlesRetried;
    private final Counter bundles;

    OperatorMetrics(MetricGroup operatorGroup, EngineSpec spec, EnginePool pool) {
        MetricGroup group = operatorGroup.addGroup("hermetic").addGroup(spec.name());
        records = group.counter("records");
        ok = group.counter("ok");
        for (FailureKind kind : FailureKind.values()) {
            failed.put(kind, group.counter(kind.name().toLowerCase(Locale.ROOT)));
        }
        durationMicros = group.histogram("durationMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        long budget = pool.memoryBudgetBytes(); // this operator's lease holds the host: the budget is fixed
        group.gauge("memoryBudgetBytes", (Gauge<Long>) () -> budget);
        bundles = group.counter("bundles");
        bundlesRetried = group.counter("bundlesRetried");
        for (HermeticBundleOperator.Flush cause : HermeticBundleOperator.Flush.values()) {
            flushes.put(cause, group.counter("flush_" + cause.name().toLowerCase(Locale.ROOT)));
        }
    }

    /** One record run alone: its outcome and its process's time. */
    void record(EngineResult result, long nanos) {
        outcome(result);
        duration(nanos);
    }

    void outcome(EngineResult result) {
        records.inc();
        if (result instanceof EngineResult.Failed f) {
            failed.get(f.kind()).inc();
        } else {
            ok.inc();
        }
    }

    void duration(long nanos) {
        durationMicros.update(nanos / 1000);
    }

    void flushed(HermeticBundleOperator.Flush cause) {
        bundles.inc();
        flushes.get(cause).inc();
    }

    void bundleRetried() {
        bundlesRetried.inc();
    }
}
