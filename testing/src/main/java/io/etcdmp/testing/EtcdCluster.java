package io.etcdmp.testing;

import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real etcd cluster of 1..N members for tests: local {@code etcd} processes on free
 * {@code 127.0.0.1} ports, each with its own data dir under one temp dir (deleted on
 * {@link #close()}).
 *
 * <pre>{@code
 * try (EtcdCluster etcd = EtcdCluster.start()) {                       // one member, plain HTTP
 *     Client client = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build();
 *     etcd.ctl().put("/config/app/x", "1");
 * }
 * try (EtcdCluster etcd = EtcdCluster.builder().members(3).start()) {
 *     etcd.kill(etcd.leader());
 *     int newLeader = etcd.leader();                                   // waits for the election
 * }
 * }</pre>
 *
 * <p>The server binary is the one named by system property {@code etcd.test.binary} or
 * {@code etcd.binary} or env {@code ETCD_BINARY}, else {@code /usr/bin/etcd}, else {@code etcd} on
 * the PATH. When there is none: if Testcontainers finds a Docker engine, a single
 * plain member runs in a container (member control then throws
 * {@link UnsupportedOperationException}); otherwise {@link Builder#start()} throws
 * {@link IllegalStateException}: tests fail, they never skip.
 *
 * <p>Members run with {@code --heartbeat-interval 50 --election-timeout 500} for quick failover;
 * each member's output goes to {@code <dir>/m<i>/etcd.log} ({@link #logFile(int)}). Every wait is
 * bounded; member-control methods return once the member is in the requested state. A JVM
 * shutdown hook kills members a test forgot to close. Methods are synchronized.
 */
public final class EtcdCluster implements AutoCloseable {

    /** Default bound for start-up and health waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;
    /** Errors that prove the health read went through consensus and was only refused by auth. */
    private static final List<String> AUTH_REFUSALS = List.of(
            "user name is empty", "permission denied", "invalid auth token", "authentication failed",
            "user name not found");

    private final Path root;
    private final List<EtcdMember> members;
    private final Builder config;
    private final String clusterToken;
    private volatile Etcdctl ctl;
    private final ContainerEtcd container;
    private String lastProbe = "";
    private boolean closed;

    private EtcdCluster(Path root, Builder config) {
        this.root = root;
        this.config = config;
        this.clusterToken = "etcdmp-" + UUID.randomUUID();
        this.container = null;
        String scheme = config.certs != null ? "https" : "http";
        List<EtcdMember> list = new ArrayList<>();
        for (int i = 0; i < config.members; i++) {
            list.add(new EtcdMember(i, root, scheme));
        }
        this.members = Collections.unmodifiableList(list);
    }

    private EtcdCluster(ContainerEtcd container, Builder config) {
        this.root = null;
        this.config = config;
        this.clusterToken = null;
        this.members = List.of();
        this.container = container;
        this.ctl = container.ctl();
    }

    /** Starts one plain-HTTP member and waits until it is healthy. */
    public static EtcdCluster start() {
        return builder().start();
    }

    /** A builder for anything but the default single plain member. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- topology ---------------------------------------------------------------------------

    /** Client URLs of all members, in member order, e.g. {@code http://127.0.0.1:40123}. */
    public List<String> clientUrls() {
        if (container != null) {
            return List.of(container.clientUrl());
        }
        return members.stream().map(EtcdMember::clientUrl).toList();
    }

    /** {@link #clientUrls()} joined with commas (etcdctl's and many configs' format). */
    public String endpoints() {
        return String.join(",", clientUrls());
    }

    /** The client URL of member {@code member} (0-based). */
    public String endpoint(int member) {
        return clientUrls().get(checkIndex(member));
    }

    /** The number of members (running or not). */
    public int size() {
        return container != null ? 1 : members.size();
    }

    /** Whether clients must use TLS (https URLs). */
    public boolean isTls() {
        return config.certs != null;
    }

    /** Whether member {@code i}'s process is alive (a paused member is alive). */
    public synchronized boolean isRunning(int i) {
        if (container != null) {
            checkIndex(i);
            return true;
        }
        return member(i).isRunning();
    }

    /** Member {@code i}'s log file (etcd output, appended across restarts). */
    public Path logFile(int i) {
        requireLocal("logFile");
        return member(i).logFile;
    }

    /**
     * An etcdctl bound to all client URLs, with the cluster's TLS settings (CA; client certificate
     * when client-cert auth is required) and no user; use {@link Etcdctl#withUser} once auth is on.
     */
    public Etcdctl ctl() {
        if (ctl != null) {
            return ctl;
        }
        Etcdctl base = Etcdctl.forEndpoints(endpoints());
        if (config.certs != null) {
            base = config.requireClientCert
                    ? base.withTls(config.certs.caCert(), config.certs.clientCert(), config.certs.clientKey())
                    : base.withTls(config.certs.caCert(), null, null);
        }
        ctl = base; // ports are final once bootstrap succeeded
        return base;
    }

    // ---- member control ---------------------------------------------------------------------

    /**
     * SIGTERM member {@code i} and wait for the process to exit (SIGKILL after 5 s).
     *
     * <p>etcd 3.4: a leader tries to hand leadership over on SIGTERM and can wait ~6 s when the
     * peer it picks is already gone (e.g. stopping the last running member while it is leader);
     * then this takes the full 5 s grace and ends with SIGKILL. Use {@link #kill(int)} when a clean
     * shutdown does not matter.
     */
    public synchronized void stop(int i) {
        requireLocal("stop");
        member(i).stop(STOP_GRACE);
    }

    /** SIGKILL member {@code i} (no clean shutdown) and wait for the process to exit. */
    public synchronized void kill(int i) {
        requireLocal("kill");
        member(i).kill();
    }

    /**
     * Restarts stopped member {@code i} with the same data dir and ports (the data dir's membership
     * wins over the initial-cluster flags). When enough members then run for a quorum, waits until
     * member {@code i} is healthy; otherwise only until it accepts connections.
     */
    public synchronized void start(int i) {
        requireLocal("start");
        EtcdMember m = member(i);
        if (m.isRunning()) {
            throw new IllegalStateException(m.describe() + " is already running");
        }
        m.launch(command(m));
        awaitServing(m, DEFAULT_TIMEOUT);
    }

    /**
     * SIGSTOP member {@code i}: the process stays alive but answers nothing, like a hung or
     * partitioned server. Returns once the kernel reports it stopped.
     */
    public synchronized void pause(int i) {
        requireLocal("pause");
        EtcdMember m = member(i);
        if (!m.isRunning()) {
            throw new IllegalStateException(m.describe() + " is not running");
        }
        m.pause();
    }

    /** SIGCONT paused member {@code i}; waits until it serves again (healthy if there is a quorum). */
    public synchronized void resume(int i) {
        requireLocal("resume");
        EtcdMember m = member(i);
        if (!m.isPaused()) {
            throw new IllegalStateException(m.describe() + " is not paused");
        }
        m.resume();
        awaitServing(m, DEFAULT_TIMEOUT);
    }

    /**
     * Stops every member, one after the other, waiting for each to exit: SIGTERM (SIGKILL after
     * 5 s), except that the last running member of a multi-member cluster is SIGKILLed (see
     * {@link #stop(int)}). Data dirs stay: {@link #startAll()} brings the same cluster back.
     */
    public synchronized void stopAll() {
        requireLocal("stopAll");
        stopMembers(members);
    }

    /** Start every stopped member, resume paused ones, and wait until the whole cluster is healthy. */
    public synchronized void startAll() {
        requireLocal("startAll");
        for (EtcdMember m : members) {
            if (m.isPaused()) {
                m.resume();
            } else if (!m.isRunning()) {
                m.launch(command(m));
            }
        }
        awaitHealthy(DEFAULT_TIMEOUT);
    }

    /**
     * Waits (at most 30 s) until every running, unpaused member reports the same leader and that
     * leader is one of them; returns its index. Right after the leader is killed this waits for
     * the new election.
     */
    public synchronized int leader() {
        if (container != null) {
            return 0;
        }
        int[] found = {-1};
        Awaits.until(DEFAULT_TIMEOUT, "a leader agreed on by all running members", () -> {
            found[0] = currentLeader();
            return found[0] >= 0;
        }, this::diagnostics);
        return found[0];
    }

    /**
     * Waits until every running, unpaused member is healthy: a linearizable read through it
     * succeeds (an auth refusal counts: the read reached consensus).
     *
     * @throws IllegalStateException on timeout or when a member process dies meanwhile, with the
     *                               members' log tails
     */
    public synchronized void awaitHealthy(Duration timeout) {
        if (container != null) {
            container.awaitHealthy(timeout);
            return;
        }
        List<EtcdMember> targets = serving();
        if (targets.isEmpty()) {
            throw new IllegalStateException("no member is running (and unpaused) in " + this);
        }
        awaitHealthy(targets, timeout);
    }

    /** Whether a local member is stopped or paused (what {@link #startAll()} would repair). */
    synchronized boolean needsRepair() {
        return container == null && !closed && members.stream().anyMatch(m -> !m.isRunning() || m.isPaused());
    }

    /** Stops all members as {@link #stopAll()} does and deletes the temp dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (container != null) {
            container.close();
            return;
        }
        try {
            stopMembers(members);
        } finally {
            FileTrees.deleteRecursively(root);
            ProcessReaper.forgetDir(root);
        }
    }

    @Override
    public String toString() {
        if (container != null) {
            return "EtcdCluster[container " + container.clientUrl() + "]";
        }
        return "EtcdCluster[" + members.size() + " member(s), " + endpoints() + ", dir " + root + "]";
    }

    // ---- internals --------------------------------------------------------------------------

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
                awaitHealthy(members, config.startTimeout);
                return;
            } catch (RuntimeException e) {
                boolean clash = members.stream().anyMatch(m -> m.hasDied()
                        && m.logTail(LOG_TAIL_LINES).contains("address already in use"));
                killMembers();
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
        if (config.certs != null) {
            c.addAll(List.of("--cert-file", config.certs.serverCert().toString(),
                    "--key-file", config.certs.serverKey().toString()));
            if (config.requireClientCert) {
                c.addAll(List.of("--trusted-ca-file", config.certs.caCert().toString(), "--client-cert-auth"));
            }
        }
        if (config.authTokenTtl != null) {
            c.addAll(List.of("--auth-token-ttl", Long.toString(config.authTokenTtl.toSeconds())));
        }
        c.addAll(config.extraArgs);
        return c;
    }

    /** After a start/resume: healthy if a quorum runs, else just accepting connections. */
    private void awaitServing(EtcdMember m, Duration timeout) {
        if (serving().size() > members.size() / 2) {
            awaitHealthy(List.of(m), timeout);
        } else {
            Awaits.until(timeout, m.describe() + " to accept connections (no quorum yet, so not healthy)", () -> {
                failIfDied(List.of(m));
                return m.clientPortOpen();
            }, () -> diagnostics(List.of(m)));
        }
    }

    private void awaitHealthy(List<EtcdMember> targets, Duration timeout) {
        Awaits.until(timeout, "etcd member(s) " + targets.stream().map(m -> m.name).toList() + " to be healthy",
                () -> healthy(targets), () -> diagnostics(targets));
    }

    private boolean healthy(List<EtcdMember> targets) {
        failIfDied(targets);
        for (EtcdMember m : targets) {
            if (!m.clientPortOpen()) { // etcdctl would wait for its whole timeout on a closed port
                lastProbe = m.describe() + ": client port not open yet";
                return false;
            }
        }
        ProcessRunner.Result r = ctl().runRaw(urls(targets), PROBE_TIMEOUT, "endpoint", "health", "-w", "json");
        lastProbe = r.describe();
        List<JsonObject> entries = Etcdctl.statusEntries(r);
        Set<String> healthy = new HashSet<>();
        for (JsonObject e : entries) {
            String error = e.getString("error", "");
            if (e.getBoolean("health", false) || AUTH_REFUSALS.stream().anyMatch(error::contains)) {
                healthy.add(e.getString("endpoint", ""));
            }
        }
        return targets.stream().allMatch(m -> healthy.contains(m.clientUrl()));
    }

    private int currentLeader() {
        List<EtcdMember> targets = serving();
        if (targets.isEmpty()) {
            throw new IllegalStateException("no member is running (and unpaused): there is no leader in " + this);
        }
        failIfDied(targets);
        ProcessRunner.Result r = ctl().runRaw(urls(targets), PROBE_TIMEOUT, "endpoint", "status", "-w", "json");
        lastProbe = r.describe();
        Map<String, JsonObject> byEndpoint = Etcdctl.statusEntries(r).stream()
                .collect(Collectors.toMap(e -> e.getString("Endpoint", ""), e -> e.getJsonObject("Status"),
                        (a, b) -> a));
        Set<String> leaders = new HashSet<>();
        for (EtcdMember m : targets) {
            JsonObject status = byEndpoint.get(m.clientUrl());
            if (status == null) {
                return -1;
            }
            m.memberId = unsigned(status.getJsonObject("header"), "member_id");
            leaders.add(unsigned(status, "leader"));
        }
        if (leaders.size() != 1 || leaders.contains("0")) {
            return -1;
        }
        String leader = leaders.iterator().next();
        return targets.stream().filter(m -> leader.equals(m.memberId)).mapToInt(m -> m.index).findFirst().orElse(-1);
    }

    /** A uint64 field as decimal text; protobuf's JSON omits zero values, so missing means "0". */
    private static String unsigned(JsonObject object, String field) {
        if (object == null || !object.containsKey(field)) {
            return "0";
        }
        return object.getJsonNumber(field).bigIntegerValue().toString();
    }

    private void failIfDied(List<EtcdMember> targets) {
        for (EtcdMember m : targets) {
            if (m.hasDied()) {
                throw new IllegalStateException("etcd " + m.describe() + " exited unexpectedly; log tail:\n"
                        + m.logTail(LOG_TAIL_LINES));
            }
        }
    }

    private String diagnostics() {
        return diagnostics(members);
    }

    private String diagnostics(List<EtcdMember> targets) {
        StringBuilder sb = new StringBuilder("last probe: ").append(lastProbe);
        for (EtcdMember m : targets) {
            sb.append("\n---- ").append(m.describe()).append(", log tail:\n").append(m.logTail(LOG_TAIL_LINES));
        }
        return sb.toString();
    }

    private List<EtcdMember> serving() {
        return members.stream().filter(m -> m.isRunning() && !m.isPaused()).toList();
    }

    private static String urls(List<EtcdMember> targets) {
        return targets.stream().map(EtcdMember::clientUrl).collect(Collectors.joining(","));
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
    private void stopMembers(List<EtcdMember> list) {
        RuntimeException first = null;
        for (EtcdMember m : list) {
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

    private void killMembers() {
        for (EtcdMember m : members) {
            try {
                m.kill();
            } catch (RuntimeException ignored) {
                // best effort during a failed start; the original error is reported
            }
        }
    }

    private EtcdMember member(int i) {
        return members.get(checkIndex(i));
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("member index " + i + " not in [0, " + size() + ")");
        }
        return i;
    }

    private void requireLocal(String operation) {
        if (closed) {
            throw new IllegalStateException(operation + "(): cluster is closed");
        }
        if (container != null) {
            throw new UnsupportedOperationException(operation + "() needs a local etcd process, but this etcd runs in a"
                    + " container because " + Binaries.missingEtcdMessage());
        }
    }

    /** Configures and starts an {@link EtcdCluster}. */
    public static final class Builder {
        private int members = 1;
        private TestCertificates certs;
        private boolean requireClientCert;
        private Duration authTokenTtl;
        private final List<String> extraArgs = new ArrayList<>();
        private Duration startTimeout = DEFAULT_TIMEOUT;

        private Builder() {
        }

        /** Number of members, 1..9 (default 1). */
        public Builder members(int count) {
            if (count < 1 || count > 9) {
                throw new IllegalArgumentException("members must be in 1..9: " + count);
            }
            this.members = count;
            return this;
        }

        /**
         * Serve clients over TLS (https URLs) with {@code certs.serverCert()/serverKey()}; when
         * {@code requireClientCert}, also {@code --client-cert-auth --trusted-ca-file certs.caCert()}.
         * Peer traffic stays plain HTTP.
         */
        public Builder tls(TestCertificates certs, boolean requireClientCert) {
            this.certs = Objects.requireNonNull(certs, "certs");
            this.requireClientCert = requireClientCert;
            return this;
        }

        /** {@code --auth-token-ttl} (whole seconds) for etcd's simple auth tokens (default 300 s). */
        public Builder authTokenTtl(Duration ttl) {
            if (ttl.toSeconds() < 1) {
                throw new IllegalArgumentException("auth token TTL must be at least 1 s: " + ttl);
            }
            this.authTokenTtl = ttl;
            return this;
        }

        /** More etcd flags, appended last (a repeated flag overrides the harness's value). */
        public Builder extraArgs(String... args) {
            this.extraArgs.addAll(List.of(args));
            return this;
        }

        /** Bound for the initial start until healthy (default 30 s). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Starts the members and waits until all are healthy (retrying with new ports on a port
         * clash).
         *
         * @throws IllegalStateException when etcd is missing (and no Docker), or does not become
         *                               healthy in time (message includes the log tails)
         */
        public EtcdCluster start() {
            if (!Binaries.usable(Binaries.etcd())) {
                return startInContainer();
            }
            Path root;
            try {
                root = Files.createTempDirectory("etcdmp-etcd-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temp dir for etcd", e);
            }
            ProcessReaper.watchDir(root);
            EtcdCluster cluster = new EtcdCluster(root, copy());
            try {
                cluster.bootstrap();
                return cluster;
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        }

        private EtcdCluster startInContainer() {
            String missing = Binaries.missingEtcdMessage();
            if (!ContainerEtcd.dockerAvailable()) {
                throw new IllegalStateException(missing + " (no Docker engine found for the Testcontainers fallback either)");
            }
            if (members != 1 || certs != null) {
                throw new IllegalStateException(missing + " (the Docker fallback runs only one plain-HTTP member;"
                        + " this test asked for " + members + " member(s)" + (certs != null ? " with TLS" : "") + ")");
            }
            List<String> args = new ArrayList<>(extraArgs);
            if (authTokenTtl != null) {
                args.addAll(List.of("--auth-token-ttl", Long.toString(authTokenTtl.toSeconds())));
            }
            return new EtcdCluster(ContainerEtcd.start(args, startTimeout), copy());
        }

        /** A snapshot, so that reusing this builder cannot change a running cluster. */
        private Builder copy() {
            Builder b = new Builder();
            b.members = members;
            b.certs = certs;
            b.requireClientCert = requireClientCert;
            b.authTokenTtl = authTokenTtl;
            b.extraArgs.addAll(extraArgs);
            b.startTimeout = startTimeout;
            return b;
        }
    }
}
