package io.etcdmp.testing;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real etcd for an application's tests, as a JUnit 5 extension registered in one line:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalEtcd etcd = LocalEtcd.start();
 * }</pre>
 *
 * <p>What it does:
 * <ul>
 *   <li><b>Starts etcd</b> when the static field is initialised, before any other extension of the
 *       class runs: a local {@code etcd} process on free {@code 127.0.0.1} ports (the binary named by
 *       system property {@code etcd.binary} or env {@code ETCD_BINARY}, else {@code /usr/bin/etcd},
 *       else {@code etcd} on the PATH); where there is none (or {@code etcdmp.testing.mode=container}) and a
 *       Docker engine runs, one member in a container; else it fails saying how to install etcd. By
 *       default one etcd per configuration serves every test class of the JVM (started once,
 *       killed when the JVM exits); {@link Builder#ownCluster()} gives a class its own.</li>
 *   <li><b>Points the application at it</b>: sets the system property {@value #ENDPOINTS_PROPERTY}
 *       (the library's setting) to the client URLs, so a CDI container started by the test reads
 *       them; the previous value is restored after the class.</li>
 *   <li><b>Clears the keyspace before each test</b> (or only the prefixes given to
 *       {@link Builder#clearing(String...)}), before a CDI container that the test class starts per
 *       test (weld-junit5's {@code @WeldSetup} field) is built.</li>
 *   <li><b>Fault operations</b>: {@link #stop(int)}, {@link #kill(int)}, {@link #start(int)},
 *       {@link #restart(int)}, {@link #pause(int)} (SIGSTOP), {@link #resume(int)},
 *       {@link #stopAll()}, {@link #startAll()}, {@link #compact()}, {@link #leader()}; a 3-member
 *       cluster with {@code LocalEtcd.builder().members(3).start()}. Members a test left stopped or
 *       paused are brought back before the next test and after the class.</li>
 *   <li><b>Data helpers</b>: {@link #put}, {@link #get}, {@link #getPrefix}, {@link #delete} and
 *       {@link #ctl()}, an {@code etcdctl} bound to the cluster for anything else.</li>
 * </ul>
 *
 * <p>Register it on a {@code static} field: it needs the class-level callbacks. The fault
 * operations work on a member in a container too ({@code docker stop/kill/start/pause/unpause});
 * the container path runs one plain-HTTP member only (docs/TESTING.md).
 */
public final class LocalEtcd implements TestInstancePostProcessor, BeforeEachCallback, AfterAllCallback {

    /** The system property set to the client URLs (comma-separated): the library's endpoints setting. */
    public static final String ENDPOINTS_PROPERTY = "etcd.endpoints";

    private static final Map<Integer, EtcdCluster> SHARED = new ConcurrentHashMap<>();

    private final EtcdCluster cluster;
    private final boolean own;
    private final List<String> clearedPrefixes;
    private final boolean clearAll;
    private final String endpointsProperty;
    private final String previousEndpoints;

    private LocalEtcd(EtcdCluster cluster, Builder config) {
        this.cluster = cluster;
        this.own = config.own;
        this.clearedPrefixes = config.prefixes;
        this.clearAll = config.clearAll;
        this.endpointsProperty = config.endpointsProperty;
        if (endpointsProperty != null) {
            this.previousEndpoints = System.getProperty(endpointsProperty);
            System.setProperty(endpointsProperty, cluster.endpoints());
        } else {
            this.previousEndpoints = null;
        }
    }

    /**
     * One single-member etcd (shared by the JVM's test classes), {@value #ENDPOINTS_PROPERTY} set,
     * the whole keyspace cleared before each test.
     *
     * @throws IllegalStateException when no etcd can be started (the message says how to install it)
     */
    public static LocalEtcd start() {
        return builder().start();
    }

    /** A builder for a cluster of 3, other cleared prefixes, or an etcd of the class's own. */
    public static Builder builder() {
        return new Builder();
    }

    // ---- where it is -----------------------------------------------------------------------

    /** The client URLs joined with commas, e.g. {@code http://127.0.0.1:40123} (the value of {@value #ENDPOINTS_PROPERTY}). */
    public String endpoints() {
        return cluster.endpoints();
    }

    /** The client URLs of the members, in member order. */
    public List<String> clientUrls() {
        return cluster.clientUrls();
    }

    /** The number of members. */
    public int size() {
        return cluster.size();
    }

    /** The underlying cluster, for what this class does not offer (logs, TLS set-ups are built with {@link EtcdCluster}). */
    public EtcdCluster cluster() {
        return cluster;
    }

    // ---- data ------------------------------------------------------------------------------

    /** An {@code etcdctl} bound to every member, for seeding, inspecting and administering etcd. */
    public Etcdctl ctl() {
        return cluster.ctl();
    }

    /** Writes {@code key = value} (UTF-8), through etcdctl. */
    public void put(String key, String value) {
        ctl().put(key, value);
    }

    /** The value at {@code key}, or empty when it does not exist (a linearizable read). */
    public Optional<String> get(String key) {
        return ctl().get(key);
    }

    /** Every key under {@code prefix} and its value, in key order. */
    public Map<String, String> getPrefix(String prefix) {
        return ctl().getPrefix(prefix);
    }

    /** Deletes {@code key}; returns whether it existed. */
    public boolean delete(String key) {
        return ctl().del(key) > 0;
    }

    /** Deletes every key under {@code prefix}; returns how many there were. */
    public long deletePrefix(String prefix) {
        return ctl().delPrefix(prefix);
    }

    // ---- faults ----------------------------------------------------------------------------

    /** SIGTERM member {@code i} (0-based) and wait for it to exit. See {@link EtcdCluster#stop(int)}. */
    public void stop(int i) {
        cluster.stop(i);
    }

    /** SIGKILL member {@code i} and wait for it to exit. */
    public void kill(int i) {
        cluster.kill(i);
    }

    /** Starts stopped member {@code i} again (same data and ports) and waits until it serves. */
    public void start(int i) {
        cluster.start(i);
    }

    /** Stops member {@code i} (SIGTERM) and starts it again with the same data and ports. */
    public void restart(int i) {
        cluster.stop(i);
        cluster.start(i);
    }

    /** SIGSTOP member {@code i}: alive, its ports open, answering nothing (a hung server). */
    public void pause(int i) {
        cluster.pause(i);
    }

    /** SIGCONT paused member {@code i} and wait until it serves again. */
    public void resume(int i) {
        cluster.resume(i);
    }

    /** Stops every member (data kept): etcd is down until {@link #startAll()}. */
    public void stopAll() {
        cluster.stopAll();
    }

    /** Starts stopped members, resumes paused ones and waits until the cluster is healthy. */
    public void startAll() {
        cluster.startAll();
    }

    /** Waits until the running members agree on a leader and returns its index (after a kill: the new one). */
    public int leader() {
        return cluster.leader();
    }

    /**
     * Compacts etcd's history at the current revision (physically): a watch or read at an older
     * revision then fails with "compacted".
     *
     * @return the revision compacted at
     */
    public long compact() {
        long revision = ctl().revision();
        ctl().compact(revision);
        return revision;
    }

    // ---- JUnit ------------------------------------------------------------------------------

    /**
     * Clears before each test instance is used, before a CDI container of the instance starts
     * (with the default per-method lifecycle; see {@link #beforeEach}).
     */
    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        if (context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_METHOD) {
            prepareForTest();
        }
    }

    /** With {@code @TestInstance(PER_CLASS)} the instance is made once: clears before each test here. */
    @Override
    public void beforeEach(ExtensionContext context) {
        if (context.getTestInstanceLifecycle().orElse(TestInstance.Lifecycle.PER_METHOD)
                == TestInstance.Lifecycle.PER_CLASS) {
            prepareForTest();
        }
    }

    /** Restores {@value #ENDPOINTS_PROPERTY}; brings stopped members back (shared) or stops the class's own etcd. */
    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (own) {
                cluster.close();
            } else {
                repair();
            }
        } finally {
            if (endpointsProperty != null) {
                if (previousEndpoints == null) {
                    System.clearProperty(endpointsProperty);
                } else {
                    System.setProperty(endpointsProperty, previousEndpoints);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "LocalEtcd[" + cluster + (own ? ", own" : ", shared") + "]";
    }

    private void prepareForTest() {
        repair();
        if (clearAll) {
            ctl().delAll();
        } else {
            clearedPrefixes.forEach(prefix -> ctl().delPrefix(prefix));
        }
    }

    private void repair() {
        if (cluster.needsRepair()) {
            cluster.startAll();
        }
    }

    /** Configures and starts a {@link LocalEtcd}. */
    public static final class Builder {
        private int members = 1;
        private boolean own;
        private boolean clearAll = true;
        private List<String> prefixes = List.of();
        private String endpointsProperty = ENDPOINTS_PROPERTY;

        private Builder() {
        }

        /** Number of members: 1 (default) or 3 for failover tests (1..9 accepted). */
        public Builder members(int count) {
            if (count < 1 || count > 9) {
                throw new IllegalArgumentException("members must be in 1..9: " + count);
            }
            this.members = count;
            return this;
        }

        /** Before each test delete only the keys under these prefixes (default: every key). */
        public Builder clearing(String... prefixes) {
            this.prefixes = List.of(prefixes);
            this.clearAll = false;
            return this;
        }

        /** Never delete keys between tests. */
        public Builder keepingKeys() {
            return clearing();
        }

        /**
         * Set this system property to the endpoints instead of {@value #ENDPOINTS_PROPERTY};
         * {@code null}: set none.
         */
        public Builder endpointsProperty(String name) {
            this.endpointsProperty = name;
            return this;
        }

        /**
         * A cluster for this test class only, stopped after its last test, instead of the one
         * shared by the JVM's test classes. (An application whose {@code Config} outlives the class
         * must then be given the new endpoints: MicroProfile Config caches per class loader.)
         */
        public Builder ownCluster() {
            this.own = true;
            return this;
        }

        /**
         * Starts (or, when shared, reuses) the etcd and sets the endpoints property.
         *
         * @throws IllegalStateException when no etcd can be started (the message says how to install
         *                               it), or it does not become healthy in time
         */
        public LocalEtcd start() {
            Builder config = copy();
            EtcdCluster cluster = own ? startCluster(members)
                    : SHARED.computeIfAbsent(members, LocalEtcd::startCluster);
            return new LocalEtcd(cluster, config);
        }

        private Builder copy() {
            Builder b = new Builder();
            b.members = members;
            b.own = own;
            b.clearAll = clearAll;
            b.prefixes = prefixes;
            b.endpointsProperty = endpointsProperty;
            return b;
        }
    }

    private static EtcdCluster startCluster(int members) {
        return EtcdCluster.builder().members(members).start();
    }
}
