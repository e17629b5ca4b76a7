package io.etcdmp.it.liberty;

import io.etcdmp.it.support.AppServerContract;
import io.etcdmp.it.support.ServerProcess;

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

/**
 * Open Liberty (MP Config through SmallRye): the kernel and the features restfulWS-3.1, cdi-4.0 and
 * mpConfig-3.1 installed from Maven Central by liberty-maven-plugin into target/liberty; the WAR
 * (un)deployed through dropins/.
 */
class LibertyIT extends AppServerContract {
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

    @Override
    protected void undeploy() throws IOException {
        Files.delete(DEPLOYED);
    }

    @Override
    protected void deploy() throws IOException {
        Files.copy(WAR, DEPLOYED);
    }
}
