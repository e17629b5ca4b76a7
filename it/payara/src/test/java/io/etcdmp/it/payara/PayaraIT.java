package io.etcdmp.it.payara;

import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.RuntimeContract;
import io.etcdmp.it.support.ServerProcess;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Payara Micro 6 (its own MP Config implementation): {@code java -jar payara-micro.jar --deploy
 * it-payara.war}, clustering off; HTTP on 127.0.0.1, the Hazelcast data grid off (it listens on all
 * interfaces otherwise, even with --nocluster) and the MP Config cache off through pre-boot commands.
 * Stopped with SIGTERM, which runs Payara's shutdown.
 */
class PayaraIT extends RuntimeContract {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    /**
     * A warning of Payara's CDI about an application's class (AS-CDI-00005: a class of a bean archive that cannot
     * load; the line names no class) or any warning of its Weld integration: with the library's jar in the WAR, none.
     */
    private static final Pattern CDI_WARNING = Pattern.compile(".*\\bWARNING\\b.*(AS-CDI-|org\\.glassfish\\.weld|org\\.jboss\\.weld).*");
    private static final Pattern DEPLOYED = Pattern.compile("it-payara was successfully deployed in ([\\d,]+) milliseconds");
    private static final Pattern READY = Pattern.compile("Payara Micro \\S+ \\(build \\d+\\) ready in ([\\d,]+) \\(ms\\)");

    @Override
    protected String runtime() {
        return "payara";
    }

    @Override
    protected ServerProcess startServer(Map<String, String> properties) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Detcd.registry.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", TARGET.resolve("payara-micro.jar").toString(),
                "--nocluster", "--disablephonehome",
                "--port", Integer.toString(port),
                "--prebootcommandfile", Path.of("src/main/payara/pre-boot-commands.txt").toAbsolutePath().toString(),
                "--deploy", TARGET.resolve("it-payara.war").toString(), "--contextroot", "/"));
        return ServerProcess.start("Payara Micro", command, serverEnvironment(), TARGET, TARGET.resolve("payara/server.log"));
    }

    @Override
    protected void stopGracefully() {
        server.terminate(Duration.ofSeconds(60));
    }

    @Override
    protected Duration liveWithin() {
        return Duration.ofSeconds(1);
    }

    @Override
    protected Duration bootLimit() {
        return Duration.ofMinutes(3);
    }

    /**
     * A request sent while the record said DRAINING (the library drains in CDI's BeforeDestroyed, during
     * Payara's shutdown) was answered 500: Payara Micro no longer serves the application by then.
     */
    @Override
    protected boolean servesWhileDraining() {
        return false;
    }

    /** Payara Micro's MicroProfile Health answers on the HTTP port; the library's check is part of its readiness. */
    @Test
    @Order(6)
    void etcdReadinessCheckIsPartOfPayarasReadiness() {
        Http.Response r = Http.get(URI.create("http://127.0.0.1:" + port + "/health/ready"));
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"etcd:" + service() + "\"") && r.body().contains("\"UP\""), r.body());
    }

    @Override
    protected boolean isLibraryProblem(String line) {
        return super.isLibraryProblem(line) || CDI_WARNING.matcher(line).matches();
    }

    /** Payara's own figures, kept with the test's timings: how long the deployment and the whole boot took. */
    @Override
    protected String serverLog() {
        String log = super.serverLog();
        for (Pattern figure : List.of(DEPLOYED, READY)) {
            Matcher m = figure.matcher(log);
            if (m.find()) {
                timings.put(figure == DEPLOYED ? "Payara: deployed in" : "Payara: ready in", m.group(1) + " ms");
            }
        }
        return log;
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(TARGET.resolve("payara/server.log"));
    }
}
