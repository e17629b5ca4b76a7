package io.etcdmp.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fallback when no etcd binary is installed but a Docker engine is: one plain-HTTP etcd member in
 * a container ({@value #IMAGE}). etcdctl runs inside the container. Kept apart so that nothing
 * touches Testcontainers when the local binary exists. (Not exercised on machines without Docker.)
 *
 * <p>The member advertises {@code http://127.0.0.1:2379} (its own view); clients use the mapped
 * {@link #clientUrl()} and jetcd does not need the advertised URL.
 */
final class ContainerEtcd implements AutoCloseable {

    static final String IMAGE = "gcr.io/etcd-development/etcd:v3.5.17";
    private static final int CLIENT_PORT = 2379;
    private static final String INSIDE_URL = "http://127.0.0.1:" + CLIENT_PORT;

    private final GenericContainer<?> container;

    private ContainerEtcd(GenericContainer<?> container) {
        this.container = container;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @SuppressWarnings("resource") // closed by close()
    static ContainerEtcd start(List<String> extraArgs, Duration startTimeout) {
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", "m0",
                "--data-dir", "/tmp/etcd-data",
                "--listen-client-urls", "http://0.0.0.0:" + CLIENT_PORT,
                "--advertise-client-urls", INSIDE_URL,
                "--listen-peer-urls", "http://127.0.0.1:2380",
                "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "m0=http://127.0.0.1:2380",
                "--initial-cluster-state", "new",
                "--log-level", "warn"));
        command.addAll(extraArgs);
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withExposedPorts(CLIENT_PORT)
                .withCommand(command.toArray(String[]::new))
                .waitingFor(Wait.forHttp("/health").forPort(CLIENT_PORT).forStatusCode(200)
                        .withStartupTimeout(startTimeout));
        container.start();
        return new ContainerEtcd(container);
    }

    String clientUrl() {
        return "http://" + container.getHost() + ":" + container.getMappedPort(CLIENT_PORT);
    }

    /** etcdctl executed inside the container, against the member's inside URL. */
    Etcdctl ctl() {
        return Etcdctl.withInvoker((args, timeout) -> {
            List<String> command = new ArrayList<>();
            command.add("etcdctl");
            command.addAll(args);
            try {
                Container.ExecResult r = container.execInContainer(command.toArray(String[]::new));
                return new ProcessRunner.Result(command, r.getExitCode(), r.getStdout(), r.getStderr());
            } catch (IOException e) {
                throw new IllegalStateException("cannot run etcdctl in the etcd container: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running etcdctl in the etcd container", e);
            }
        }, INSIDE_URL);
    }

    void awaitHealthy(Duration timeout) {
        Etcdctl ctl = ctl();
        Awaits.until(timeout, "the etcd container to be healthy",
                () -> ctl.runRaw(INSIDE_URL, Duration.ofSeconds(2), "endpoint", "health").ok());
    }

    @Override
    public void close() {
        container.stop();
    }
}
