package dev.hermetic.flink;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * An operator's meters in its Flink metric group, under {@code hermetic.<engine>}: {@code records},
 * one counter per outcome ({@code ok} and each {@link FailureKind} in lower case), and
 * {@code durationMicros}, a histogram of each record's time in the engine over the last 1000.
 */
final class OperatorMetrics {
    /** The histogram's window: the records its quantiles cover. */
    static final int HISTOGRAM_WINDOW = 1000;

    /** Records run, whatever their outcome. */
    final Counter records;
    /** Records that produced output. */
    final Counter ok;
    /** Records that failed, by kind; one counter per kind. */
    final Map<FailureKind, Counter> failed = new EnumMap<>(FailureKind.class);
    /** Microseconds from spawn to result, per record. */
    final Histogram durationMicros;

    OperatorMetrics(MetricGroup operatorGroup, EngineSpec spec) {
        MetricGroup group = operatorGroup.addGroup("hermetic").addGroup(spec.name());
        records = group.counter("records");
        ok = group.counter("ok");
        for (FailureKind kind : FailureKind.values()) {
            failed.put(kind, group.counter(kind.name().toLowerCase(java.util.Locale.ROOT)));
        }
        durationMicros = group.histogram("durationMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    void record(EngineResult result, long nanos) {
        records.inc();
        durationMicros.update(nanos / 1000);
        if (result instanceof EngineResult.Failed f) {
            failed.get(f.kind()).inc();
        } else {
            ok.inc();
        }
    }
}
