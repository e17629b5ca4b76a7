package io.etcdmp.internal.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exports to a Micrometer {@link MeterRegistry}: a function counter per counter series, a multi-gauge per gauge
 * (its rows refreshed when a component's gauges come or go), the operation durations as a timer. Loaded only where
 * Micrometer is visible and OpenTelemetry is not set up. Micrometer only reads the rows it has, and a source does
 * not say when its series change (a service followed later, a status appearing): so a read of a row, at most once
 * per {@link #RECHECK_NANOS}, re-reads every gauge's series and registers the rows anew where they differ.
 */
final class MicrometerBinding implements Binding {
    private final MeterRegistry registry;
    private final Map<Series, Meter> counters = new ConcurrentHashMap<>();
    private final Map<Metric, MultiGauge> gauges = new EnumMap<>(Metric.class);
    static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The attribute sets each gauge's rows were registered with. */
    private final Map<Metric, Set<Map<String, String>>> registered = new ConcurrentHashMap<>();
    private final AtomicLong checked = new AtomicLong(System.nanoTime());

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
        gauges.forEach(this::refresh);
    }

    private void refresh(Metric metric, MultiGauge gauge) {
        Set<Map<String, String>> series = series(metric);
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        series.forEach(attributes -> rows.add(MultiGauge.Row.of(tags(attributes), () -> current(metric, attributes))));
        registered.put(metric, series);
        gauge.register(rows, true);
    }

    private static Set<Map<String, String>> series(Metric metric) {
        Set<Map<String, String>> series = new HashSet<>();
        Metrics.observe(metric, (attributes, value) -> series.add(attributes));
        return series;
    }

    /** On a row's read, at most once per {@link #RECHECK_NANOS}: re-registers the gauges whose series changed. */
    private void recheck() {
        long last = checked.get();
        long now = System.nanoTime();
        if (now - last < RECHECK_NANOS || !checked.compareAndSet(last, now)) {
            return;
        }
        gauges.forEach((metric, gauge) -> {
            if (!series(metric).equals(registered.get(metric))) {
                refresh(metric, gauge);
            }
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

    private double current(Metric metric, Map<String, String> attributes) {
        recheck();
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
