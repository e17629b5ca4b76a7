package io.etcdmp.it.payara;

import io.etcdmp.it.support.RuntimeContract;
import io.etcdmp.it.support.ServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Payara Micro 6 (its own MP Config implementation): {@code java -jar payara-micro.jar --deploy
 * it-payara.war}, clustering off; HTTP on 127.0.0.1, the Hazelcast data grid off (it listens on all
 * interfaces otherwise, even with --nocluster) and the MP Config cache off through pre-boot commands.
 * Stopped with SIGTERM, which runs Payara's shutdown.
 */
class PayaraIT extends RuntimeContract {
    private static final Path TARGET = Path.of("target").toAbsolutePath();

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
        return ServerProcess.start("Payara Micro", command, Map.of(), TARGET, TARGET.resolve("payara/server.log"));
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

    @Override
    protected List<Path> logFiles() {
        return List.of(TARGET.resolve("payara/server.log"));
    }
}
