package io.etcdmp.it.quarkus;

import io.etcdmp.it.support.ServerProcess;
import io.etcdmp.it.support.TelemetryContract;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library's metrics through {@code quarkus-opentelemetry} (metrics on at build time, {@code application.properties}):
 * the same built application as {@link QuarkusIT}, started with the SDK on and Quarkus's OTLP exporter
 * ({@code http/protobuf}) pointed at the test's receiver.
 */
class QuarkusTelemetryIT extends TelemetryContract {
    private static final Path TARGET = Path.of("target");
    private static final Path LOG = TARGET.resolve("quarkus/telemetry.log");

    @Override
    protected String runtime() {
        return "quarkus-otel";
    }

    @Override
    protected Map<String, String> librarySettings() {
        Map<String, String> settings = super.librarySettings();
        settings.put("it.etcd.endpoints", settings.remove("etcd.endpoints"));
        return settings;
    }

    @Override
    protected Map<String, String> telemetrySettings() {
        Map<String, String> otel = new LinkedHashMap<>();
        otel.put("quarkus.otel.sdk.disabled", "false");
        otel.put("quarkus.otel.exporter.otlp.endpoint", otlp.endpoint());
        otel.put("quarkus.otel.exporter.otlp.protocol", "http/protobuf");
        otel.put("quarkus.otel.metric.export.interval", EXPORT_INTERVAL.toMillis() + "ms");
        return otel;
    }

    @Override
    protected ServerProcess startServer(Map<String, String> properties) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dquarkus.http.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", TARGET.resolve("quarkus-app/quarkus-run.jar").toAbsolutePath().toString()));
        return ServerProcess.start("Quarkus", command, serverEnvironment(), TARGET, LOG);
    }

    @Override
    protected void stopGracefully() {
        server.terminate(Duration.ofSeconds(30));
    }

    @Override
    protected Duration liveWithin() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(LOG);
    }
}
