package io.etcdmp.it.quarkus;

import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.RuntimeContract;
import io.etcdmp.it.support.ServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quarkus in JVM mode (CDI Lite: ArC runs the library's build compatible extension, not its portable
 * extension), the built application started as {@code java -jar target/quarkus-app/quarkus-run.jar}.
 * etcd's endpoints reach the library through {@code application.properties}
 * ({@code etcd.endpoints=${it.etcd.endpoints}}); the build ran without any etcd. Stopped with SIGTERM.
 */
class QuarkusIT extends RuntimeContract {
    private static final Path TARGET = Path.of("target");
    private static final Path LOG = TARGET.resolve("quarkus/server.log");
    private static final String SMALLRYE_DECRYPTS = "it.secret.smallrye";

    @Override
    protected String runtime() {
        return "quarkus";
    }

    @Override
    protected Map<String, String> librarySettings() {
        Map<String, String> settings = super.librarySettings();
        settings.put("it.etcd.endpoints", settings.remove("etcd.endpoints"));
        // the etcd secret's stored form as a system property too: Quarkus's SmallRye Config decrypts this one itself
        settings.put(SMALLRYE_DECRYPTS, secret.stored());
        return settings;
    }

    /**
     * Quarkus closes its HTTP server before CDI's {@code Shutdown} event, where the library drains: the record says
     * {@code DRAINING} for the drain-time, but requests sent then are refused (as on Payara, Liberty and WildFly).
     */
    @Override
    protected boolean servesWhileDraining() {
        return false;
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

    @Test
    @Order(6)
    void etcdReadinessCheckIsPartOfHealthReady() {
        Http.Response r = Http.get(readiness());
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"etcd:" + service() + "\""), r.body());
    }

    /**
     * With smallrye-config-crypto in the application (as Quarkus's guide says) and the key in the environment, Quarkus's
     * own SmallRye Config decrypts the same {@code ${aes-gcm-nopadding::...}} form where no etcd source handed it out
     * in clear (a system property): the same clear text as the etcd source's, so the two ways agree in the real
     * runtime, and the etcd property (the contract's check) is read in clear from the etcd source, decrypted once.
     */
    @Test
    @Order(1)
    void quarkusOwnSecretHandlerDecryptsTheSameFormToTheSameClearText() {
        Http.Response r = Http.get(url("secret/" + SMALLRYE_DECRYPTS));
        assertEquals(200, r.status(), r.body());
        JsonObject answer = Json.createReader(new StringReader(r.body())).readObject();
        assertEquals(secretsPut.get(0).sha256(), answer.getString("sha256"), "SmallRye's handler read the clear text: " + answer);
        assertTrue(!answer.getString("source").startsWith("etcd["), "not from the etcd source: " + answer);
    }

    /**
     * Readiness answers "can this instance serve": with etcd stopped it still serves from its snapshot, so it stays
     * UP and says so in its data (reachable=false, stale=true); an etcd outage must never take every instance out of
     * service at once (issue 20). etcd is started again afterwards and the instance sees it reachable again.
     */
    @Test
    @Order(60)
    void readinessStaysUpWithEtcdStoppedAndSaysTheDataIsStale() {
        etcd.stop(0);
        try {
            Awaitility.await("readiness to notice that etcd is stopped (reachable=false, or DOWN)").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        Http.Response r = Http.get(readiness());
                        return r.status() != 200 || etcdCheck(r).getJsonObject("data").get("reachable") != null
                                && !etcdCheck(r).getJsonObject("data").getBoolean("reachable");
                    });
            Http.Response r = Http.get(readiness());
            assertEquals(200, r.status(), "readiness with etcd stopped: " + r.body());
            JsonObject check = etcdCheck(r);
            assertEquals("UP", check.getString("status"), check.toString());
            assertEquals(false, check.getJsonObject("data").getBoolean("reachable"), check.toString());
            assertEquals(true, check.getJsonObject("data").getBoolean("stale"), check.toString());
            assertEquals("changed 3", Http.get(url("greeting")).body(), "the value from the snapshot is still served");
        } finally {
            etcd.start(0);
            etcd.awaitHealthy(Duration.ofSeconds(30));
        }
        Awaitility.await("readiness to see etcd reachable again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> etcdCheck(Http.get(readiness())).getJsonObject("data").getBoolean("reachable", false));
    }

    private URI readiness() {
        return URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    }

    private JsonObject etcdCheck(Http.Response r) {
        JsonObject ready = Json.createReader(new StringReader(r.body())).readObject();
        return ready.getJsonArray("checks").stream().map(JsonObject.class::cast).filter(c -> c.getString("name").equals("etcd:" + service()))
                .findFirst().orElseThrow(() -> new AssertionError("no check named etcd in " + r.body()));
    }
}
