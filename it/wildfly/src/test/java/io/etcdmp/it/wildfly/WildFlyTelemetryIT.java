package io.etcdmp.it.wildfly;

import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.LoopbackPorts;
import io.etcdmp.it.support.ServerProcess;
import io.etcdmp.it.support.TelemetryContract;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The library's metrics through WildFly's MicroProfile Telemetry 2.0 ({@code standalone-microprofile.xml}, unchanged:
 * its {@code microprofile-telemetry} and {@code opentelemetry} subsystems): the application turns the SDK on with the
 * MicroProfile Telemetry properties ({@code otel.*}, here system properties), and WildFly's OTLP exporter
 * ({@code http/protobuf}) sends to the test's receiver. The same WAR and server start as {@link WildFlyIT}.
 */
class WildFlyTelemetryIT extends TelemetryContract {
    private static final Path HOME = Path.of(System.getProperty("wildfly.home", "target/wildfly")).toAbsolutePath();
    private static final Path WAR = Path.of("target/it-wildfly.war").toAbsolutePath();
    private static final Path CONSOLE = Path.of("target/wildfly-telemetry-console.log").toAbsolutePath();
    private static final int PORT_OFFSET = 100;
    private static final Duration CLI_LIMIT = Duration.ofMinutes(2);

    private int managementPort;

    @Override
    protected String runtime() {
        return "wildfly-otel";
    }

    @Override
    protected String contextRoot() {
        return "/it-wildfly";
    }

    @Override
    protected Map<String, String> telemetrySettings() {
        Map<String, String> otel = new LinkedHashMap<>();
        otel.put("otel.sdk.disabled", "false");
        otel.put("otel.metrics.exporter", "otlp");
        otel.put("otel.traces.exporter", "none");
        otel.put("otel.logs.exporter", "none");
        otel.put("otel.exporter.otlp.endpoint", otlp.endpoint());
        otel.put("otel.exporter.otlp.protocol", "http/protobuf");
        otel.put("otel.metric.export.interval", Long.toString(EXPORT_INTERVAL.toMillis()));
        return otel;
    }

    @Override
    protected ServerProcess startServer(Map<String, String> properties) throws Exception {
        for (String dir : List.of("standalone/log", "standalone/data", "standalone/tmp", "standalone/deployments")) {
            ServerProcess.deleteTree(HOME.resolve(dir));
        }
        managementPort = LoopbackPorts.free();
        List<String> command = new ArrayList<>(List.of("bash", HOME.resolve("bin/standalone.sh").toString(),
                "--read-only-server-config=standalone-microprofile.xml", "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                "-Djboss.socket.binding.port-offset=" + PORT_OFFSET,
                "-Djboss.http.port=" + (port - PORT_OFFSET),
                "-Djboss.https.port=" + (LoopbackPorts.free() - PORT_OFFSET),
                "-Djboss.ajp.port=" + (LoopbackPorts.free() - PORT_OFFSET),
                "-Djboss.management.http.port=" + (managementPort - PORT_OFFSET),
                "-Djboss.management.https.port=" + (LoopbackPorts.free() - PORT_OFFSET)));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        String javaOpts = "-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true";
        ServerProcess started = ServerProcess.start("WildFly", command, serverEnvironment(Map.of("JAVA_HOME", System.getProperty("java.home"),
                "JAVA_OPTS", javaOpts)), HOME, CONSOLE);
        URI management = URI.create("http://127.0.0.1:" + managementPort + "/health/live");
        Awaitility.await("WildFly booted: " + management).atMost(bootLimit()).pollInterval(Duration.ofMillis(200))
                .failFast("WildFly ended; see " + CONSOLE, () -> !started.isAlive())
                .until(() -> Http.get(management).ok());
        cli("deploy " + WAR);
        return started;
    }

    @Override
    protected void stopGracefully() throws Exception {
        cli(":shutdown");
        server.awaitExit(Duration.ofSeconds(60));
    }

    @Override
    protected Duration liveWithin() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration bootLimit() {
        return Duration.ofMinutes(3);
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(CONSOLE, HOME.resolve("standalone/log/server.log"));
    }

    /** Runs one management CLI command against the server (local authentication: same user, same machine). */
    private void cli(String command) throws IOException, InterruptedException {
        Path output = Path.of("target/wildfly-telemetry-cli.log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("bash", HOME.resolve("bin/jboss-cli.sh").toString(),
                "--controller=remote+http://127.0.0.1:" + managementPort, "--connect", "--command=" + command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process cli = builder.start();
        if (!cli.waitFor(CLI_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            cli.destroyForcibly();
            throw new AssertionError("jboss-cli '" + command + "' did not end within " + CLI_LIMIT + "; see " + output);
        }
        assertEquals(0, cli.exitValue(), "jboss-cli '" + command + "' failed: "
                + Files.readString(output, StandardCharsets.UTF_8));
    }
}
