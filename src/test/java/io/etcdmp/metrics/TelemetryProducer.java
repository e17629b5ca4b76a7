package io.etcdmp.metrics;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** The application's OpenTelemetry, as MicroProfile Telemetry 2.0 offers it, read in memory. */
@ApplicationScoped
public class TelemetryProducer {
    static final InMemoryMetricReader READER = InMemoryMetricReader.create();

    @Produces
    @ApplicationScoped
    OpenTelemetry openTelemetry() {
        return OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(READER).build()).build();
    }

    void close(@Disposes OpenTelemetry telemetry) {
        ((OpenTelemetrySdk) telemetry).close();
    }
}
