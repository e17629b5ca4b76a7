package io.etcdmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The local etcd processes of an {@link EtcdCluster}: their temp dir, command lines, bootstrap on free
 * ports, and the signals that stop, kill, pause and restart them. Called only under the cluster's lock
 * (except {@link #ctl()}, which reads a volatile).
 */
final class LocalMembers implements Members {
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;

    private final Path root;
    private final List<EtcdMember> members;
    private final MemberProbes probes;
    private final ClusterSpec spec;
    private final String clusterToken = "etcdmp-" + UUID.randomUUID();
    private volatile Etcdctl ctl;

    private LocalMembers(Path root, ClusterSpec spec) {
        this.root = root;
        this.spec = spec;
        List<EtcdMember> list = new ArrayList<>();
        for (int i = 0; i < spec.members(); i++) {
            list.add(new EtcdMember(i, root, spec.clientScheme()));
        }
        this.members = Collections.unmodifiableList(list);
        this.probes = new MemberProbes(members, this::ctl);
    }

    /** Starts the members in a new temp dir and waits until all are healthy, retrying with new ports on a clash. */
    static LocalMembers start(ClusterSpec spec) {
        Path root;
        try {
            root = Files.createTempDirectory("etcdmp-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for etcd", e);
        }
        ProcessReaper.watchDir(root);
        LocalMembers local = new LocalMembers(root, spec);
        try {
            local.bootstrap();
            return local;
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    @Override
    public List<String> clientUrls() {
        return members.stream().map(EtcdMember::clientUrl).toList();
    }

    @Override
    public Etcdctl ctl() {
        Etcdctl c = ctl;
        if (c == null) {
            c = spec.ctl(String.join(",", clientUrls()));
            ctl = c; // ports are final once bootstrap succeeded
        }
        return c;
    }

    @Override
    public boolean isRunning(int i) {
        return members.get(i).isRunning();
    }

    @Override
    public Path logFile(int i) {
        return members.get(i).logFile;
    }

    @Override
    public void start(int i) {
        EtcdMember m = members.get(i);
        if (m.isRunning()) {
            throw new IllegalStateException(m.describe() + " is already running");
        }
        m.launch(command(m));
        probes.awaitServing(m, EtcdCluster.DEFAULT_TIMEOUT);
    }

    @Override
    public void stop(int i) {
        members.get(i).stop(STOP_GRACE);
    }

    @Override
    public void kill(int i) {
        members.get(i).kill();
    }

    @Override
    public void pause(int i) {
        EtcdMember m = members.get(i);
        if (!m.isRunning()) {
            throw new IllegalStateException(m.describe() + " is not running");
        }
        m.pause();
    }

    @Override
    public void resume(int i) {
        EtcdMember m = members.get(i);
        if (!m.isPaused()) {
            throw new IllegalStateException(m.describe() + " is not paused");
        }
        m.resume();
        probes.awaitServing(m, EtcdCluster.DEFAULT_TIMEOUT);
    }

    @Override
    public int leader() {
        return probes.awaitLeader(EtcdCluster.DEFAULT_TIMEOUT, describe());
    }

    @Override
    public void awaitHealthy(Duration timeout) {
        List<EtcdMember> targets = probes.serving();
        if (targets.isEmpty()) {
            throw new IllegalStateException("no member is running (and unpaused) in " + describe());
        }
        probes.awaitHealthy(targets, timeout);
    }

    @Override
    public boolean needsRepair() {
        return members.stream().anyMatch(m -> !m.isRunning() || m.isPaused());
    }

    @Override
    public String describe() {
        return members.size() + " member(s), " + String.join(",", clientUrls()) + ", dir " + root;
    }

    /** Starts every stopped member, resumes paused ones, waits until all are healthy. */
    @Override
    public void startAll() {
        for (EtcdMember m : members) {
            if (m.isPaused()) {
                m.resume();
            } else if (!m.isRunning()) {
                m.launch(command(m));
            }
        }
        probes.awaitHealthy(members, EtcdCluster.DEFAULT_TIMEOUT);
    }

    /**
     * Stops members one after the other with SIGTERM; the last one still running in a multi-member
     * cluster gets SIGKILL instead. Why: on SIGTERM an etcd 3.4 leader first tries to hand
     * leadership to the peer it has been connected to longest; when that peer was just stopped but
     * is not yet marked inactive (seen after a member was killed and restarted), it waits for the
     * full request timeout (5 s + 2 election timeouts) and then our 5 s SIGKILL. The last member has
     * nobody to hand over to; its WAL is fsynced, so a kill loses no committed write. (SIGTERM to all
     * at once hits the same wait.)
     */
    @Override
    public void stopAll() {
        RuntimeException first = null;
        for (EtcdMember m : members) {
            try {
                boolean lastOfMany = members.size() > 1 && m.isRunning()
                        && members.stream().noneMatch(o -> o != m && o.isRunning());
                if (lastOfMany) {
                    m.kill();
                } else {
                    m.stop(STOP_GRACE);
                }
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Stops all members and deletes the temp dir. */
    @Override
    public void close() {
        try {
            stopAll();
        } finally {
            FileTrees.deleteRecursively(root);
            ProcessReaper.forgetDir(root);
        }
    }

    private void bootstrap() {
        for (int attempt = 1; ; attempt++) {
            int[] ports = FreePorts.pick(2 * members.size());
            for (EtcdMember m : members) {
                m.wipe();
                m.assignPorts(ports[2 * m.index], ports[2 * m.index + 1]);
            }
            ctl = null; // endpoints changed
            try {
                for (EtcdMember m : members) {
                    m.launch(command(m));
                }
                probes.awaitHealthy(members, spec.startTimeout());
                return;
            } catch (RuntimeException e) {
                boolean clash = members.stream().anyMatch(m -> m.hasDied()
                        && m.logTail(MemberProbes.LOG_TAIL_LINES).contains("address already in use"));
                killAll();
                if (!clash || attempt >= START_ATTEMPTS) {
                    throw new IllegalStateException("etcd cluster of " + members.size() + " did not start (attempt "
                            + attempt + "): " + e.getMessage(), e);
                }
            }
        }
    }

    private List<String> command(EtcdMember m) {
        List<String> c = new ArrayList<>(List.of(
                Binaries.etcd().toString(),
                "--name", m.name,
                "--data-dir", m.dataDir.toString(),
                "--listen-client-urls", m.clientUrl(),
                "--advertise-client-urls", m.clientUrl(),
                "--listen-peer-urls", m.peerUrl(),
                "--initial-advertise-peer-urls", m.peerUrl(),
                "--initial-cluster", members.stream().map(x -> x.name + "=" + x.peerUrl())
                        .collect(Collectors.joining(",")),
                "--initial-cluster-state", "new",
                "--initial-cluster-token", clusterToken,
                "--heartbeat-interval", "50",
                "--election-timeout", "500",
                "--logger", "zap",
                "--log-level", "warn",
                "--log-outputs", "stderr"));
        c.addAll(spec.serverFlags());
        return c;
    }

    private void killAll() {
        for (EtcdMember m : members) {
            try {
                m.kill();
            } catch (RuntimeException ignored) {
                // best effort during a failed start; the original error is reported
            }
        }
    }
}
