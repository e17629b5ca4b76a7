package io.etcdmp.it.liberty;

import io.etcdmp.it.support.Http;
import io.etcdmp.it.support.JvmProbe;
import io.etcdmp.it.support.RuntimeContract;
import io.etcdmp.it.support.ServerProcess;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Open Liberty (MP Config through SmallRye): the kernel and the features restfulWS-3.1, cdi-4.0 and
 * mpConfig-3.1 installed from Maven Central by liberty-maven-plugin into target/liberty; the WAR
 * (un)deployed through dropins/. Besides the contract: undeploy and redeploy twice; each undeploy
 * removes the registration, ends every library thread and lets the WAR's class loader be collected
 * (the log check then also proves that no thread failed on the removed WAR's classes); each redeploy
 * serves the etcd value and registers again.
 */
class LibertyIT extends RuntimeContract {
    private static final Path WLP = Path.of("target/liberty/wlp").toAbsolutePath();
    private static final Path SERVER = WLP.resolve("usr/servers/it");
    private static final Path WAR = Path.of("target/it-liberty.war").toAbsolutePath();
    private static final Path DEPLOYED = SERVER.resolve("dropins/it-liberty.war");
    private static final Pattern LIBERTY_PROBLEM = Pattern.compile(".*io\\.etcdmp\\S*\\s+[WEF]\\s.*");

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
        deleteTree(SERVER.resolve("logs"));
        Files.deleteIfExists(DEPLOYED);
        Files.copy(WAR, DEPLOYED, StandardCopyOption.REPLACE_EXISTING);
        return ServerProcess.start("Open Liberty", List.of(WLP.resolve("bin/server").toString(), "run", "it"),
                Map.of("JAVA_HOME", System.getProperty("java.home")), SERVER, Path.of("target/liberty-console.log")
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

    @Test
    @Order(10)
    void undeployDeregistersEndsTheLibraryThreadsAndFreesTheClassLoaderAndRedeployServesAgain() throws IOException {
        JvmProbe jvm = new JvmProbe(serverJvm().pid());
        assertFalse(jvm.libraryThreads().isEmpty(), "while deployed, the library's threads are seen: " + jvm.threadNames());
        assertEquals(1, jvm.loadedCopies("io.etcdmp.cdi.EtcdExtension"));
        for (int cycle = 1; cycle <= 2; cycle++) {
            long start = System.nanoTime();
            Files.delete(DEPLOYED);
            Awaitility.await("undeploy deregisters").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> records().isEmpty());
            timings.put("undeploy " + cycle + " to record gone", seconds(System.nanoTime() - start));
            Awaitility.await("no library thread after undeploy").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200)).until(jvm::libraryThreads, List::isEmpty);
            Awaitility.await("the undeployed application's class loader collected (its copy of the library unloaded)")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                        jvm.fullGc();
                        return jvm.loadedCopies("io.etcdmp.cdi.EtcdExtension");
                    }, copies -> copies == 0);
            start = System.nanoTime();
            Files.copy(WAR, DEPLOYED);
            awaitAnswer(url("greeting"), Duration.ofSeconds(60));
            timings.put("redeploy " + cycle + " to first answer", seconds(System.nanoTime() - start));
            assertEquals(etcd.ctl().get(GREETING_KEY).orElseThrow(), Http.get(url("greeting")).body());
            assertEquals("127.0.0.1:" + port, onlyRecord().getString("Addr"));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }
}
