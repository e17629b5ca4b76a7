package io.etcdmp.it.helidon;

import io.etcdmp.it.support.RuntimeContract;
import io.etcdmp.it.support.ServerProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Helidon MP 4 (its own MP Config implementation, not SmallRye): the application and the library on
 * the class path of {@code io.helidon.microprofile.cdi.Main}, in a JVM of the Java running this test
 * (21+). Stopped with SIGTERM, which runs Helidon's shutdown.
 */
class HelidonIT extends RuntimeContract {
    private static final Path TARGET = Path.of("target");

    @Override
    protected String runtime() {
        return "helidon";
    }

    @Override
    protected ServerProcess startServer(Map<String, String> properties) throws IOException {
        String classPath = TARGET.resolve("classes").toAbsolutePath() + ":"
                + Files.readString(TARGET.resolve("server-classpath.txt"), StandardCharsets.UTF_8).trim();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Djava.util.logging.config.file=" + TARGET.resolve("classes/logging.properties").toAbsolutePath(),
                "-Dserver.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-cp", classPath, "io.helidon.microprofile.cdi.Main"));
        return ServerProcess.start("Helidon MP", command, serverEnvironment(), TARGET, TARGET.resolve("helidon/server.log"));
    }

    @Override
    protected void stopGracefully() {
        server.terminate(Duration.ofSeconds(30));
    }

    @Override
    protected Duration liveWithin() {
        return Duration.ofSeconds(1);
    }

    /**
     * Not the library's: the JDK (24+, JEP 498) warns once per JVM when code first uses sun.misc.Unsafe's memory
     * access, here protobuf's, which the library's jar carries relocated under io.etcdmp.shaded (the same lines named
     * com.google.protobuf before). {@code --sun-misc-unsafe-memory-access=allow} silences them.
     */
    @Override
    protected boolean isLibraryProblem(String line) {
        return super.isLibraryProblem(line) && !line.matches("WARNING: (sun\\.misc\\.Unsafe::\\w+ has been called by"
                + "|Please consider reporting this to the maintainers of class) io\\.etcdmp\\.shaded\\.com\\.google\\.protobuf\\..*");
    }

    @Override
    protected List<Path> logFiles() {
        return List.of(TARGET.resolve("helidon/server.log"));
    }
}
