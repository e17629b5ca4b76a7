package io.etcdmp.it.helidon;

import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.ServerProcess;
import io.etcdmp.testing.EtcdCluster;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code server.port=0}: Helidon binds a random port and tells it once its server listens; the
 * deployment registers itself with that port, never with 0, and the registered port answers (the order of the two is
 * not checked here: that the record is written only once the port is known is what "never with 0" shows).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HelidonRandomPortIT {
    private static final Path TARGET = Path.of("target");
    private static final Pattern STARTED = Pattern.compile("Server started on http://[^:\\s]+:(\\d+)");

    @Test
    void aRandomServerPortIsRegisteredAsThePortHelidonBound() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/application/it.greeting", "hello");
            run(etcd);
        }
    }

    private static void run(EtcdCluster etcd) throws Exception {
        try (ServerProcess server = start(etcd)) {
            Awaitility.await("Helidon's started line").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .failFast(() -> !server.isAlive()).until(() -> STARTED.matcher(server.output()).find());
            Matcher started = STARTED.matcher(server.output());
            assertTrue(started.find());
            int bound = Integer.parseInt(started.group(1));
            assertTrue(bound > 0);
            Awaitility.await("the registration").atMost(Duration.ofSeconds(20))
                    .until(() -> etcd.ctl().getPrefix("/services/it-helidon-random/").size() == 1);
            String value = etcd.ctl().getPrefix("/services/it-helidon-random/").values().iterator().next();
            JsonObject record = Json.createReader(new StringReader(value)).readObject();
            assertEquals("127.0.0.1:" + bound, record.getString("Addr"), "the registered address");
            assertTrue(Http.get(URI.create("http://127.0.0.1:" + bound + "/api/greeting")).ok(), "the registered port answers");
            server.terminate(Duration.ofSeconds(30));
            assertEquals(Map.of(), etcd.ctl().getPrefix("/services/it-helidon-random/"), "deregistered at stop");
        }
    }

    private static ServerProcess start(EtcdCluster etcd) throws Exception {
        String classPath = TARGET.resolve("classes").toAbsolutePath() + ":"
                + Files.readString(TARGET.resolve("server-classpath.txt"), StandardCharsets.UTF_8).trim();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Djava.util.logging.config.file=" + TARGET.resolve("classes/logging.properties").toAbsolutePath(),
                "-Dserver.port=0", "-Detcd.endpoints=" + etcd.endpoints(), "-Dmp.app.name=it-helidon-random",
                "-Detcd.registry.host=127.0.0.1", "-Detcd.request-timeout=20s"));
        command.addAll(List.of("-cp", classPath, "io.helidon.microprofile.cdi.Main"));
        return ServerProcess.start("Helidon MP (random port)", command, Map.of(), TARGET,
                TARGET.resolve("helidon/random-port.log"));
    }
}
