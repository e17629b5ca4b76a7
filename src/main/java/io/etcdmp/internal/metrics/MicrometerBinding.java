package io.etcdmp.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Exports to a Micrometer {@link MeterRegistry}: a function counter per counter series, a multi-gauge per gauge
 * (its rows refreshed when a component's gauges change), the operation durations as a timer. Loaded only where
 * Micrometer is visible and OpenTelemetry is not set up.
 */
final class MicrometerBinding implements Binding {
    private final MeterRegistry registry;
    private final Map<Series, Meter> counters = new ConcurrentHashMap<>();
    private final Map<Metric, MultiGauge> gauges = new EnumMap<>(Metric.class);

    private MicrometerBinding(MeterRegistry registry) {
        this.registry = registry;
        for (Metric metric : Metric.values()) {
            if (metric.kind() == Metric.Kind.GAUGE) {
                gauges.put(metric, MultiGauge.builder(metric.id()).baseUnit(metric.unit())
                        .description(metric.description()).register(registry));
            }
        }
        refreshGauges();
        for (Series series : Metrics.counterSeries()) {
            seriesAdded(series);
        }
    }

    static Binding global() {
        return new MicrometerBinding(io.micrometer.core.instrument.Metrics.globalRegistry);
    }

    @Override
    public void seriesAdded(Series series) {
        counters.computeIfAbsent(series, s -> FunctionCounter
                .builder(s.name(), s, MicrometerBinding::total).tags(tags(s.attributes())).register(registry));
        refreshGauges();
    }

    /** Re-reads every gauge's series: Micrometer registers rows, it does not call back for new ones. */
    @Override
    public void gaugesChanged() {
        refreshGauges();
    }

    private void refreshGauges() {
        gauges.forEach((metric, gauge) -> {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            Metrics.observe(metric, (attributes, value) -> rows.add(MultiGauge.Row.of(tags(attributes),
                    () -> current(metric, attributes))));
            gauge.register(rows, true);
        });
    }

    @Override
    public void recordDuration(Metric metric, Map<String, String> attributes, double seconds) {
        registry.timer(metric.id(), tags(attributes)).record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        counters.values().forEach(registry::remove);
        gauges.values().forEach(gauge -> gauge.register(List.of(), true));
    }

    private static double total(Series series) {
        return Metrics.total(metricOf(series), series.attributes());
    }

    private static double current(Metric metric, Map<String, String> attributes) {
        double[] value = {Double.NaN};
        Metrics.observe(metric, (a, v) -> {
            if (a.equals(attributes)) {
                value[0] = v;
            }
        });
        return value[0];
    }

    private static Metric metricOf(Series series) {
        for (Metric metric : Metric.values()) {
            if (metric.id().equals(series.name())) {
                return metric;
            }
        }
        throw new IllegalArgumentException(series.name());
    }

    private static Tags tags(Map<String, String> attributes) {
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            tags = tags.and(e.getKey(), e.getValue());
        }
        return tags;
    }
}
