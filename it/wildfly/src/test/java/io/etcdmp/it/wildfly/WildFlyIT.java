package io.etcdmp.it.wildfly;

import io.etcdmp.it.support.AppServerContract;
import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.LoopbackPorts;
import io.etcdmp.it.support.ServerProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WildFly (MP Config and MP Health through SmallRye, its own JBoss Modules class loading): the distribution
 * zip from Maven Central, unpacked into target/ by the build, started by {@code bin/standalone.sh} with its
 * MicroProfile configuration ({@code standalone-microprofile.xml}, unchanged), bound to 127.0.0.1 on free
 * ports (the configuration read-only: deployments made through the CLI are not written into it); the WAR
 * (un)deployed through the management CLI. The HTTP port is not passed to the library: it must read it as
 * WildFly publishes it, {@code jboss.http.port} plus a port offset ({@code jboss.socket.binding.port-offset},
 * not zero here, so that the sum is what is checked). Stopped with the management operation {@code :shutdown}
 * (standalone.sh's background mode, which relays SIGTERM, kept looping here after the JVM had ended).
 *
 * <p>Before the application, a static probe WAR (deployed at boot from standalone/deployments) is requested
 * concurrently, so that the HTTP worker's threads are started by requests to the probe: a JBoss Threads worker
 * thread keeps the task it was started for in a local variable of {@code EnhancedQueueExecutor$ThreadBody.run}
 * for its whole life (jboss-threads 3.9.2), and the two core threads never end, so a thread started by a
 * request to the application would keep the application's class loader reachable after undeploy (any
 * application's; seen in a heap dump, not the library's doing).
 */
class WildFlyIT extends AppServerContract {
    private static final Path HOME = Path.of(System.getProperty("wildfly.home", "target/wildfly")).toAbsolutePath();
    private static final Path WAR = Path.of("target/it-wildfly.war").toAbsolutePath();
    private static final Path CONSOLE = Path.of("target/wildfly-console.log").toAbsolutePath();
    private static final int PORT_OFFSET = 100;
    private static final Duration CLI_LIMIT = Duration.ofMinutes(2);
    /** WildFly's log lines: "time LEVEL [category] (thread) message"; any warning naming our stack's packages. */
    private static final Pattern STACK_PROBLEM = Pattern.compile(
            ".*\\b(WARN|ERROR|FATAL)\\b.*\\b(io\\.etcdmp|io\\.etcd|io\\.vertx|io\\.netty|io\\.grpc)\\..*");

    private int managementPort;

    /** WildFly stops serving the application before CDI's {@code @BeforeDestroyed}, where the drain runs (as Payara and Liberty do). */
    @Override
    protected boolean servesWhileDraining() {
        return false;
    }

    @Override
    protected String runtime() {
        return "wildfly";
    }

    /** A WAR deployed through the CLI gets its file name as context root. */
    @Override
    protected String contextRoot() {
        return "/it-wildfly";
    }

    @Override
    protected ServerProcess startServer(Map<String, String> properties) throws Exception {
        for (String dir : List.of("standalone/log", "standalone/data", "standalone/tmp", "standalone/deployments")) {
            ServerProcess.deleteTree(HOME.resolve(dir));
        }
        writeProbe(HOME.resolve("standalone/deployments/probe.war"));
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
        // standalone.conf's defaults, plus: soft references (caches of the server and of Weld) are cleared at
        // every GC, so that a class loader still in the heap after a full GC is strongly held
        String javaOpts = "-Xms64m -Xmx512m -XX:SoftRefLRUPolicyMSPerMB=0 -Djava.net.preferIPv4Stack=true"
                + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true";
        ServerProcess started = ServerProcess.start("WildFly", command, serverEnvironment(Map.of("JAVA_HOME",
                System.getProperty("java.home"), "JAVA_OPTS", javaOpts)), HOME, CONSOLE);
        URI page = URI.create("http://127.0.0.1:" + port + "/probe/index.html");
        Awaitility.await("WildFly booted with the probe deployed: " + page).atMost(bootLimit())
                .pollInterval(Duration.ofMillis(200))
                .failFast("WildFly ended; see " + CONSOLE, () -> !started.isAlive())
                .until(() -> Http.get(page).ok());
        startWorkerThreadsOnTheProbe(page);
        cli("deploy " + WAR);
        return started;
    }

    /** A WAR of one static page, deployed at boot by the deployment scanner (never undeployed). */
    private static void writeProbe(Path war) throws IOException {
        Files.createDirectories(war.getParent());
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            zip.putNextEntry(new ZipEntry("index.html"));
            zip.write("probe".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
    }

    /** Requests the probe from 8 threads at once, 3 times: the HTTP worker's threads start on the probe's requests. */
    private static void startWorkerThreadsOnTheProbe(URI page) throws Exception {
        Callable<Http.Response> request = () -> Http.get(page);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 3; round++) {
                for (Future<Http.Response> answer : clients.invokeAll(Collections.nCopies(8, request))) {
                    assertEquals(200, answer.get().status(), answer.get().body());
                }
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** The management operation {@code :shutdown}, which undeploys and ends the server (and standalone.sh with it). */
    @Override
    protected void stopGracefully() throws Exception {
        cli(":shutdown");
        server.awaitExit(Duration.ofSeconds(60));
    }

    @Override
    protected void undeploy() throws Exception {
        cli("undeploy " + WAR.getFileName());
    }

    @Override
    protected void deploy() throws Exception {
        cli("deploy " + WAR);
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

    @Override
    protected boolean isLibraryProblem(String line) {
        return super.isLibraryProblem(line) || STACK_PROBLEM.matcher(line).matches();
    }

    @Test
    @Order(6)
    void etcdReadinessCheckIsPartOfWildFlysReadiness() {
        Http.Response r = Http.get(managementUri("/health/ready"));
        assertEquals(200, r.status(), r.body());
        JsonObject ready = Json.createReader(new StringReader(r.body())).readObject();
        JsonObject etcdCheck = ready.getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals("etcd:" + service())).findFirst()
                .orElseThrow(() -> new AssertionError("no check named etcd:" + service() + " in " + r.body()));
        assertEquals("UP", etcdCheck.getString("status"), etcdCheck.toString());
        assertTrue(etcdCheck.getJsonObject("data").getBoolean("registrationHeld"), etcdCheck.toString());
    }

    private URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /** Runs one management CLI command against the server (local authentication: same user, same machine). */
    private void cli(String command) throws IOException, InterruptedException {
        Path output = Path.of("target/wildfly-cli.log").toAbsolutePath();
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
