package dev.hermetic.flink;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Tag;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The pool host's Micrometer meters mirrored into an operator's Flink metric group, under
 * {@code hermetic.host}: one Flink gauge per meter and statistic, read from the meter whenever
 * a reporter reads the gauge (no copying on a schedule). A meter the host adds later (a new
 * engine's counters, a new trap kind) is mirrored as it is added. The name is the meter's
 * without {@code hermetic.}, then each tag's value, then the statistic:
 * {@code hermetic.process.started{engine=json}} becomes {@code process.started.json.count},
 * {@code hermetic.memory.committed} becomes {@code memory.committed.value}. Close it in the
 * operator's {@code close()}.
 */
final class HostMeters implements AutoCloseable {
    private final EnginePool pool;
    private final MetricGroup group;
    /** Names registered in {@link #group}, so a meter seen twice is mirrored once. */
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Consumer<Meter> listener = this::add;

    private HostMeters(EnginePool pool, MetricGroup group) {
        this.pool = pool;
        this.group = group;
    }

    static HostMeters mirror(EnginePool pool, MetricGroup operatorGroup) {
        HostMeters meters = new HostMeters(pool, operatorGroup.addGroup("hermetic").addGroup("host"));
        pool.subscribe(meters.listener);
        return meters;
    }

    private void add(Meter meter) {
        for (Measurement measurement : meter.measure()) {
            Statistic statistic = measurement.getStatistic();
            String name = name(meter.getId(), statistic);
            if (names.add(name)) {
                group.gauge(name, (Gauge<Double>) () -> value(meter, statistic));
            }
        }
    }

    static String name(Meter.Id id, Statistic statistic) {
        StringBuilder name = new StringBuilder(id.getName().startsWith("hermetic.") ? id.getName().substring(9) : id.getName());
        for (Tag tag : id.getTagsAsIterable()) {
            name.append('.').append(tag.getValue().replaceAll("[^A-Za-z0-9_-]", "_"));
        }
        return name.append('.').append(statistic.name().toLowerCase(Locale.ROOT)).toString();
    }

    private static double value(Meter meter, Statistic statistic) {
        for (Measurement measurement : meter.measure()) {
            if (measurement.getStatistic() == statistic) {
                return measurement.getValue();
            }
        }
        return Double.NaN;
    }

    @Override
    public void close() {
        pool.unsubscribe(listener);
    }
}
