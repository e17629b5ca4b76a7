package io.etcdmp.internal.metrics;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Exports to an OpenTelemetry {@link Meter}: counters and gauges as asynchronous instruments read at each
 * export, the operation durations as a histogram. Loaded only where the OpenTelemetry API is visible.
 */
final class OpenTelemetryBinding implements Binding {
    private final List<AutoCloseable> instruments = new ArrayList<>();
    private final DoubleHistogram durations;

    private OpenTelemetryBinding(OpenTelemetry openTelemetry) {
        Meter meter = openTelemetry.getMeter("io.etcdmp");
        DoubleHistogram histogram = null;
        for (Metric metric : Metric.values()) {
            switch (metric.kind()) {
                case GAUGE -> instruments.add(meter.gaugeBuilder(metric.id()).setUnit(metric.unit())
                        .setDescription(metric.description())
                        .buildWithCallback(m -> Metrics.observe(metric, (a, v) -> m.record(v, attributes(a)))));
                case COUNTER -> instruments.add(meter.counterBuilder(metric.id()).setUnit(metric.unit())
                        .setDescription(metric.description())
                        .buildWithCallback(m -> Metrics.forEachCounter(metric, (a, v) -> m.record(v, attributes(a)))));
                case HISTOGRAM -> histogram = meter.histogramBuilder(metric.id()).setUnit(metric.unit())
                        .setDescription(metric.description()).build();
            }
        }
        durations = histogram;
    }

    /** The binding to {@code GlobalOpenTelemetry}, or null when nothing set it up (its no-op would drop all). */
    static Binding global() {
        if (!isSet()) {
            return null;
        }
        return new OpenTelemetryBinding(GlobalOpenTelemetry.get());
    }

    static Binding to(Object openTelemetry) {
        return openTelemetry instanceof OpenTelemetry otel ? new OpenTelemetryBinding(otel) : null;
    }

    @Override
    public void recordDuration(Metric metric, Map<String, String> attributes, double seconds) {
        if (durations != null) {
            durations.record(seconds, attributes(attributes));
        }
    }

    @Override
    public void close() {
        for (AutoCloseable instrument : instruments) {
            try {
                instrument.close();
            } catch (Exception ignored) {
                // an instrument of a meter provider that is already shut down
            }
        }
    }

    private static boolean isSet() {
        try {
            return GlobalOpenTelemetry.isSet();
        } catch (NoSuchMethodError older) {
            // before OpenTelemetry 1.46 there is no isSet(): get() would install the no-op for good
            return false;
        }
    }

    private static Attributes attributes(Map<String, String> values) {
        if (values.isEmpty()) {
            return Attributes.empty();
        }
        AttributesBuilder builder = Attributes.builder();
        values.forEach(builder::put);
        return builder.build();
    }
}
