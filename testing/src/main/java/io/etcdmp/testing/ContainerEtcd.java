package io.etcdmp.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Docker path: one plain-HTTP etcd member in a container, used when there is no etcd binary or
 * {@value Binaries#MODE} is {@code container}. The container shares the host's network ({@code --network
 * host}) and etcd listens on free {@code 127.0.0.1} ports, so all traffic stays on loopback; etcdctl runs
 * on the host when a usable binary is there, else inside the container. Member control works on the
 * container as on a process: stop, kill, start (same data, same ports), pause and resume are {@code docker
 * stop/kill/start/pause/unpause}. Kept apart so that nothing touches Testcontainers when the local binary
 * serves.
 *
 * <p>The image is {@value #IMAGE_PROPERTY} (system property) or {@code ETCDMP_TESTING_ETCD_IMAGE}
 * (environment), else {@value #DEFAULT_IMAGE}; any image with {@code etcd} and {@code etcdctl} (3.4 or
 * later) on its {@code PATH} serves. {@code scripts/docker-etcd.sh} builds one from the local binaries.
 */
final class ContainerEtcd implements Members {
    static final String IMAGE_PROPERTY = "etcdmp.testing.etcd-image";
    static final String DEFAULT_IMAGE = "gcr.io/etcd-development/etcd:v3.5.17";
    private static final int LOG_TAIL_CHARS = 4000;

    private final GenericContainer<?> container;
    private final String clientUrl;
    /**
     * Stops the container when the JVM exits without closing it (LocalEtcd's shared etcd lives until then):
     * without Ryuk, nothing else would, and each run would leave one running.
     */
    private final Thread reaper;

    private ContainerEtcd(GenericContainer<?> container, String clientUrl) {
        this.container = container;
        this.clientUrl = clientUrl;
        this.reaper = new Thread(container::stop, "etcdmp-container-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static String image() {
        String image = System.getProperty(IMAGE_PROPERTY, System.getenv("ETCDMP_TESTING_ETCD_IMAGE"));
        return image == null || image.isBlank() ? DEFAULT_IMAGE : image.strip();
    }

    /** Empty when Testcontainers reaches a Docker engine, else why not. */
    static java.util.Optional<String> dockerProblem() {
        try {
            DockerClientFactory.instance().client();
            return java.util.Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return java.util.Optional.of(e.toString());
        }
    }

    /** The member {@code spec} asks for, healthy; only one plain-HTTP member can run in a container. */
    static ContainerEtcd startFor(ClusterSpec spec) {
        String why = Binaries.whyContainer();
        dockerProblem().ifPresent(problem -> {
            throw new IllegalStateException(why + " (and Testcontainers cannot use a Docker engine: " + problem
                    + "; see docs/TESTING.md)");
        });
        if (spec.members() != 1 || spec.isTls()) {
            throw new IllegalStateException(why + " (the Docker path runs only one plain-HTTP member; this test asked for "
                    + spec.members() + " member(s)" + (spec.isTls() ? " with TLS" : "") + ")");
        }
        return start(spec.serverFlags(), spec.startTimeout());
    }

    @SuppressWarnings("resource") // closed by close(), or here when it does not become healthy
    private static ContainerEtcd start(List<String> extraArgs, Duration startTimeout) {
        int[] ports = FreePorts.pick(2);
        String clientUrl = "http://127.0.0.1:" + ports[0];
        String peerUrl = "http://127.0.0.1:" + ports[1];
        List<String> command = new ArrayList<>(List.of("etcd",
                "--name", "m0",
                "--data-dir", "/tmp/etcd-data",
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "m0=" + peerUrl,
                "--initial-cluster-state", "new",
                "--logger", "zap",
                "--log-level", "warn",
                "--log-outputs", "stderr"));
        command.addAll(extraArgs);
        GenericContainer<?> container = new GenericContainer<>(image())
                .withNetworkMode("host")
                .withCommand(command.toArray(String[]::new));
        container.start(); // no port is exposed, so Testcontainers does not wait: awaitHealthy does
        ContainerEtcd etcd = new ContainerEtcd(container, clientUrl);
        try {
            etcd.awaitHealthy(startTimeout);
            return etcd;
        } catch (RuntimeException e) {
            String logs = etcd.logTail();
            etcd.close();
            throw new IllegalStateException("etcd in a container of " + image() + " did not become healthy at " + clientUrl
                    + ": " + e.getMessage() + "\ncontainer log tail:\n" + logs, e);
        }
    }

    @Override
    public List<String> clientUrls() {
        return List.of(clientUrl);
    }

    /** etcdctl on the host when there is one (the container shares its loopback), else inside the container. */
    @Override
    public Etcdctl ctl() {
        if (Binaries.usable(Binaries.etcdctl())) {
            return Etcdctl.forEndpoints(clientUrl);
        }
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
        }, clientUrl);
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        Etcdctl ctl = ctl();
        Awaits.until(timeout, "the etcd container to be healthy", () -> {
            if (!container.isRunning()) {
                throw new IllegalStateException("the etcd container exited; log tail:\n" + logTail());
            }
            return ctl.runRaw(clientUrl, Duration.ofSeconds(2), "endpoint", "health").ok();
        });
    }

    private String logTail() {
        try {
            String logs = container.getLogs();
            return logs.length() <= LOG_TAIL_CHARS ? logs : logs.substring(logs.length() - LOG_TAIL_CHARS);
        } catch (RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public boolean isRunning(int i) {
        return Boolean.TRUE.equals(state().getRunning());
    }

    @Override
    public Path logFile(int i) {
        throw new UnsupportedOperationException("logFile() needs a local etcd process, but this etcd runs in container "
                + container.getContainerId() + " because " + Binaries.whyContainer() + "; its output: docker logs");
    }

    @Override
    public void stop(int i) {
        if (isPaused()) {
            docker().unpauseContainerCmd(container.getContainerId()).exec();
        }
        if (isRunning(0)) {
            docker().stopContainerCmd(container.getContainerId()).withTimeout(5).exec();
        }
        Awaits.until(EtcdCluster.DEFAULT_TIMEOUT, "the etcd container to stop", () -> !isRunning(0));
    }

    @Override
    public void kill(int i) {
        if (isRunning(0)) {
            docker().killContainerCmd(container.getContainerId()).exec();
        }
        Awaits.until(EtcdCluster.DEFAULT_TIMEOUT, "the etcd container to exit", () -> !isRunning(0));
    }

    @Override
    public void start(int i) {
        if (isRunning(0)) {
            throw new IllegalStateException("the etcd container is already running");
        }
        docker().startContainerCmd(container.getContainerId()).exec();
        awaitHealthy(EtcdCluster.DEFAULT_TIMEOUT);
    }

    @Override
    public void pause(int i) {
        if (!isRunning(0)) {
            throw new IllegalStateException("the etcd container is not running");
        }
        docker().pauseContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void resume(int i) {
        if (!isPaused()) {
            throw new IllegalStateException("the etcd container is not paused");
        }
        docker().unpauseContainerCmd(container.getContainerId()).exec();
        awaitHealthy(EtcdCluster.DEFAULT_TIMEOUT);
    }

    @Override
    public void stopAll() {
        stop(0);
    }

    @Override
    public void startAll() {
        if (isPaused()) {
            resume(0);
        } else if (!isRunning(0)) {
            start(0);
        }
    }

    /** The one member leads. */
    @Override
    public int leader() {
        return 0;
    }

    @Override
    public boolean needsRepair() {
        return !isRunning(0) || isPaused();
    }

    @Override
    public String describe() {
        return "container " + image() + ", " + clientUrl;
    }

    private boolean isPaused() {
        return Boolean.TRUE.equals(state().getPaused());
    }

    private InspectContainerResponse.ContainerState state() {
        return docker().inspectContainerCmd(container.getContainerId()).exec().getState();
    }

    private DockerClient docker() {
        return container.getDockerClient();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook stops it
        }
        container.stop();
    }
}
