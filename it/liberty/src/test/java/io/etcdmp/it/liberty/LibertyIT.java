package io.etcdmp.it.liberty;

import io.etcdmp.it.support.AppServerContract;
import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.ServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Open Liberty (MP Config through SmallRye): the kernel and the features restfulWS-3.1, cdi-4.0, mpConfig-3.1,
 * mpRestClient-3.0 and mpFaultTolerance-4.0 installed from Maven Central by liberty-maven-plugin into
 * target/liberty; the WAR (un)deployed through dropins/.
 */
class LibertyIT extends AppServerContract {
    private static final Path WLP = Path.of("target/liberty/wlp").toAbsolutePath();
    private static final Path SERVER = WLP.resolve("usr/servers/it");
    private static final Path WAR = Path.of("target/it-liberty.war").toAbsolutePath();
    private static final Path DEPLOYED = SERVER.resolve("dropins/it-liberty.war");
    private static final Pattern LIBERTY_PROBLEM = Pattern.compile(".*io\\.etcdmp\\S*\\s+[WEF]\\s.*");
    private static final String SOURCE_READY = "etcd config source ready";
    /** etcd's gauge of the watchers it serves (all clients). */
    private static final Pattern WATCHERS = Pattern.compile("(?m)^etcd_debugging_mvcc_watcher_total (\\d+)");
    /** The application's watchers: one per config prefix (/config/application/, /config/it-liberty/), one for its record. */
    private static final int APPLICATION_WATCHERS = 3;
    /** The test's own watch of the application's records (RuntimeContract). */
    private static final int TEST_WATCHERS = 1;

    @Override
    protected String runtime() {
        return "liberty";
    }

    /** dropins/ deploys a WAR under its file name. */
    @Override
    protected String contextRoot() {
        return "/it-liberty";
    }

    @Override
    protected ServerProcess startServer(Map<String, String> properties) throws IOException {
        Files.writeString(SERVER.resolve("bootstrap.properties"), "http.port=" + port + "\n");
        // soft references (caches of the server and of Weld) are cleared at every GC, so that a class loader
        // still in the heap after a full GC is strongly held: a leak, not a cache waiting for memory pressure
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx384m", "-XX:SoftRefLRUPolicyMSPerMB=0",
                "-Detcd.registry.port=" + port));
        properties.forEach((k, v) -> jvmOptions.add("-D" + k + "=" + v));
        Files.write(SERVER.resolve("jvm.options"), jvmOptions, StandardCharsets.UTF_8);
        ServerProcess.deleteTree(SERVER.resolve("logs"));
        Files.deleteIfExists(DEPLOYED);
        Files.copy(WAR, DEPLOYED, StandardCopyOption.REPLACE_EXISTING);
        return ServerProcess.start("Open Liberty", List.of(WLP.resolve("bin/server").toString(), "run", "it"),
                serverEnvironment(Map.of("JAVA_HOME", System.getProperty("java.home"))), SERVER, Path.of("target/liberty-console.log")
                        .toAbsolutePath());
    }

    @Override
    protected void stopGracefully() throws Exception {
        Process stop = new ProcessBuilder(WLP.resolve("bin/server").toString(), "stop", "it")
                .redirectErrorStream(true).redirectOutput(Path.of("target/liberty-stop.log").toFile()).start();
        stop.getOutputStream().close();
        server.awaitExit(Duration.ofSeconds(60));
        stop.waitFor();
    }

    @Override
    protected Duration liveWithin() {
        return Duration.ofSeconds(1);
    }

    /**
     * A request sent while the record said DRAINING (the library drains in CDI's BeforeDestroyed, during
     * the server's stop) got no answer: Open Liberty no longer serves the application by then.
     */
    @Override
    protected boolean servesWhileDraining() {
        return false;
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(Path.of("target/liberty-console.log").toAbsolutePath(), SERVER.resolve("logs/messages.log"));
    }

    @Override
    protected boolean isLibraryProblem(String line) {
        return super.isLibraryProblem(line) || LIBERTY_PROBLEM.matcher(line).matches();
    }

    /**
     * With MicroProfile Fault Tolerance, Liberty builds a second Config of the application (issue 20, defect 8):
     * sources with the same settings and prefixes must share one snapshot and one watch, so the source says it is
     * ready once and etcd serves the application one watcher per prefix (plus its record's), not two.
     */
    @Test
    @Order(1)
    void faultToleranceDoesNotMakeASecondEtcdSource() {
        Http.Response retried = Http.get(url("retried"));
        assertEquals(200, retried.status(), "a method under Fault Tolerance: " + retried.body());
        // a second source would be read and watched within moments: the figures must stay right for 3 s
        Awaitility.await("one etcd source of the application (" + SOURCE_READY + " once, " + APPLICATION_WATCHERS
                        + " watchers on etcd)").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(this::assertOneEtcdSource);
    }

    private void assertOneEtcdSource() throws IOException {
        // messages.log alone: the console may repeat its lines
        String log = Files.readString(SERVER.resolve("logs/messages.log"), StandardCharsets.UTF_8);
        List<String> ready = log.lines().filter(line -> line.contains(SOURCE_READY)).toList();
        Http.Response metrics = Http.get(URI.create(etcd.clientUrls().get(0) + "/metrics"));
        assertEquals(200, metrics.status(), metrics.body());
        Matcher watchers = WATCHERS.matcher(metrics.body());
        assertTrue(watchers.find(), "etcd_debugging_mvcc_watcher_total in etcd's /metrics");
        int applicationWatchers = Integer.parseInt(watchers.group(1)) - TEST_WATCHERS;
        assertEquals(1, ready.size(), "'" + SOURCE_READY + "' lines in the log of one deployment: " + ready);
        assertEquals(APPLICATION_WATCHERS, applicationWatchers, "watchers on etcd of the application (2 config prefixes and its "
                + "record; etcd counts " + watchers.group(1) + ", of which " + TEST_WATCHERS + " is the test's)");
    }

    @Override
    protected void undeploy() throws IOException {
        Files.delete(DEPLOYED);
    }

    @Override
    protected void deploy() throws IOException {
        Files.copy(WAR, DEPLOYED);
    }
}
