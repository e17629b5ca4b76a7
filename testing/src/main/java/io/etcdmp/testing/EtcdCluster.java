package io.etcdmp.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 * the PATH. When there is none (or system property {@code etcdmp.testing.mode} is {@code container}):
 * if Testcontainers finds a Docker engine, a single plain member runs in a container of
 * {@code etcdmp.testing.etcd-image} on the host's loopback (member control works on it; {@link #logFile}
 * throws {@link UnsupportedOperationException}); otherwise {@link Builder#start()} throws
 * {@link IllegalStateException}: tests fail, they never skip.
 *
 * <p>Members run with {@code --heartbeat-interval 50 --election-timeout 500} for quick failover;
 * each member's output goes to {@code <dir>/m<i>/etcd.log} ({@link #logFile(int)}). Every wait is
 * bounded; member-control methods return once the member is in the requested state. A JVM
 * shutdown hook kills members a test forgot to close. Methods are synchronized.
 *
 * <p>(Inside: {@code LocalMembers} runs the processes, {@code MemberProbes} asks them for health and
 * leader, {@code ContainerEtcd} is the Docker path; this class chooses one and checks the arguments.)
 */
public final class EtcdCluster implements AutoCloseable {

    /** Default bound for start-up and health waits. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final ClusterSpec spec;
    private final Members members;
    private boolean closed;

    private EtcdCluster(ClusterSpec spec, Members members) {
        this.spec = spec;
        this.members = members;
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
        return members.clientUrls();
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
        return clientUrls().size();
    }

    /** Whether clients must use TLS (https URLs). */
    public boolean isTls() {
        return spec.isTls();
    }

    /** Whether member {@code i}'s process is alive (a paused member is alive). */
    public synchronized boolean isRunning(int i) {
        return members.isRunning(checkIndex(i));
    }

    /** Member {@code i}'s log file (etcd output, appended across restarts); not for a member in a container. */
    public Path logFile(int i) {
        return members.logFile(checkOpen("logFile", i));
    }

    /**
     * An etcdctl bound to all client URLs, with the cluster's TLS settings (CA; client certificate
     * when client-cert auth is required) and no user; use {@link Etcdctl#withUser} once auth is on.
     */
    public Etcdctl ctl() {
        return members.ctl();
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
        members.stop(checkOpen("stop", i));
    }

    /** SIGKILL member {@code i} (no clean shutdown) and wait for the process to exit. */
    public synchronized void kill(int i) {
        members.kill(checkOpen("kill", i));
    }

    /**
     * Restarts stopped member {@code i} with the same data dir and ports (the data dir's membership
     * wins over the initial-cluster flags). When enough members then run for a quorum, waits until
     * member {@code i} is healthy; otherwise only until it accepts connections.
     */
    public synchronized void start(int i) {
        members.start(checkOpen("start", i));
    }

    /**
     * SIGSTOP member {@code i}: the process stays alive but answers nothing, like a hung or
     * partitioned server. Returns once the kernel reports it stopped.
     */
    public synchronized void pause(int i) {
        members.pause(checkOpen("pause", i));
    }

    /** SIGCONT paused member {@code i}; waits until it serves again (healthy if there is a quorum). */
    public synchronized void resume(int i) {
        members.resume(checkOpen("resume", i));
    }

    /**
     * Stops every member, one after the other, waiting for each to exit: SIGTERM (SIGKILL after
     * 5 s), except that the last running member of a multi-member cluster is SIGKILLed (see
     * {@link #stop(int)}). Data dirs stay: {@link #startAll()} brings the same cluster back.
     */
    public synchronized void stopAll() {
        checkOpen("stopAll", 0);
        members.stopAll();
    }

    /** Start every stopped member, resume paused ones, and wait until the whole cluster is healthy. */
    public synchronized void startAll() {
        checkOpen("startAll", 0);
        members.startAll();
    }

    /**
     * Waits (at most 30 s) until every running, unpaused member reports the same leader and that
     * leader is one of them; returns its index. Right after the leader is killed this waits for
     * the new election.
     */
    public synchronized int leader() {
        return members.leader();
    }

    /**
     * Waits until every running, unpaused member is healthy: a linearizable read through it
     * succeeds (an auth refusal counts: the read reached consensus).
     *
     * @throws IllegalStateException on timeout or when a member process dies meanwhile, with the
     *                               members' log tails
     */
    public synchronized void awaitHealthy(Duration timeout) {
        members.awaitHealthy(timeout);
    }

    /** Whether a member is stopped or paused (what {@link #startAll()} would repair). */
    synchronized boolean needsRepair() {
        return !closed && members.needsRepair();
    }

    /** Stops all members as {@link #stopAll()} does and deletes the temp dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            members.close();
        }
    }

    @Override
    public String toString() {
        return "EtcdCluster[" + members.describe() + "]";
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("member index " + i + " not in [0, " + size() + ")");
        }
        return i;
    }

    private int checkOpen(String operation, int i) {
        if (closed) {
            throw new IllegalStateException(operation + "(): cluster is closed");
        }
        return checkIndex(i);
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
            ClusterSpec spec = new ClusterSpec(members, certs, requireClientCert, authTokenTtl, extraArgs, startTimeout);
            if (Binaries.runInContainer()) {
                return new EtcdCluster(spec, ContainerEtcd.startFor(spec));
            }
            if (!Binaries.usable(Binaries.etcd())) {
                throw new IllegalStateException(Binaries.missingEtcdMessage() + " (" + Binaries.MODE + "=local)");
            }
            return new EtcdCluster(spec, LocalMembers.start(spec));
        }
    }
}
