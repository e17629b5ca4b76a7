package io.etcdmp.bench;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenTelemetry SDK meter as a runtime's would be: a periodic reader collecting every {@link #INTERVAL} (every
 * gauge callback of the library read, every counter summed) into an exporter that counts what it got and drops it,
 * and the library's metrics bound to it ({@link Metrics#bindTo}, what the CDI extension does with a runtime's bean).
 */
final class SdkMeter implements AutoCloseable {
    /** Shorter than any runtime's default (60 s): the collection runs often during a measurement. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    private final OpenTelemetrySdk sdk;
    private final AtomicLong points = new AtomicLong();
    private AutoCloseable binding;

    SdkMeter() {
        MetricExporter counting = new MetricExporter() {
            @Override
            public CompletableResultCode export(Collection<MetricData> metrics) {
                metrics.forEach(m -> points.addAndGet(m.getData().getPoints().size()));
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public AggregationTemporality getAggregationTemporality(InstrumentType type) {
                return AggregationTemporality.CUMULATIVE;
            }
        };
        sdk = OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder()
                .registerMetricReader(PeriodicMetricReader.builder(counting).setInterval(INTERVAL).build()).build()).build();
    }

    /** Binds the library's metrics to this meter (again, after {@link #unbind}). */
    void bind() {
        binding = Internals.bindMetrics(sdk);
    }

    void unbind() throws Exception {
        if (binding != null) {
            binding.close();
            binding = null;
        }
    }

    /** Data points exported so far: more than zero once the library's series were read. */
    long pointsExported() {
        sdk.getSdkMeterProvider().forceFlush().join(5, java.util.concurrent.TimeUnit.SECONDS);
        return points.get();
    }

    @Override
    public void close() throws Exception {
        unbind();
        sdk.close();
    }
}
