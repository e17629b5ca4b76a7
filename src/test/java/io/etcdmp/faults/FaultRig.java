package io.etcdmp.faults;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.config.ConfigChange;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.Threads;
import io.etcdmp.testing.EtcdCluster;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One fault scenario's world: a 3-member etcd cluster, a CDI application using the config source
 * (two prefixes) and registering itself, a continuous writer, a second application watching the
 * registry, and the checks that must hold after the fault. Measurements go into a {@link FaultResult}.
 */
final class FaultRig implements AutoCloseable {
    static final String SHARED = "/config/application/";
    static final String OWN = "/config/faults/";
    static final List<String> PREFIXES = List.of(SHARED, OWN);
    static final String SERVICE = "faults";
    static final Duration TTL = Duration.ofSeconds(4);
    static final Duration CONVERGE = Duration.ofSeconds(45);
    static final List<String> MARKERS = List.of(SHARED + "marker.shared", OWN + "marker.own");

    final String scenario;
    final EtcdCluster etcd;
    final Client probe;
    final CdiApp app;
    final EtcdConfigSource source;
    final Registration registration;
    private final EtcdConnection watcherConnection;
    private final ServiceRegistry watcher;
    private final AutoCloseable watch;
    private final ConfigWriter writer;
    private final List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
    private final Map<String, String> initial;
    private final AtomicInteger mostInstancesSeen = new AtomicInteger();
    private final AtomicLong lastSeenWithoutInstance = new AtomicLong();
    private final long startReRegistrations;
    private long healedAt;
    private final FaultResult result;

    private FaultRig(String scenario, String fault, EtcdCluster etcd, String appEndpoints, int writes) {
        this.scenario = scenario;
        this.etcd = etcd;
        this.result = new FaultResult(scenario, fault);
        this.probe = Client.builder().endpoints(etcd.clientUrls().toArray(String[]::new)).build();
        Map<String, String> seeds = new TreeMap<>();
        for (String prefix : PREFIXES) {
            for (int i = 0; i < 40; i++) {
                put(prefix + ConfigWriter.keyName(i), "seed");
                seeds.put(prefix + ConfigWriter.keyName(i), "seed");
            }
        }
        this.app = CdiApp.start(CdiApp.settings(appEndpoints, "mp.app.name", SERVICE,
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "9000", "etcd.registry.ttl", TTL.toSeconds() + "s",
                "etcd.request-timeout", "2s"));
        this.source = EtcdConfigSource.of(app.config()).get(0);
        this.registration = app.bean(ServiceRegistry.class).selfRegistration().orElseThrow();
        source.addChangeListener(events::add);
        this.initial = source.getProperties();
        this.startReRegistrations = registration.reRegistrations();
        Map<String, String> watcherSettings = Map.of("etcd.endpoints", etcd.endpoints(), "etcd.connect-timeout", "3s");
        this.watcherConnection = EtcdConnections.acquire(EtcdSettings.from(n -> Optional.ofNullable(watcherSettings.get(n))));
        this.watcher = new EtcdServiceRegistry(watcherConnection, RegistrySettings.from(n -> Optional.empty(), Map.of()));
        assertThat(watcher.instances(SERVICE)).hasSize(1);
        this.watch = watcher.watch(SERVICE, this::seen);
        this.writer = new ConfigWriter(probe, PREFIXES, 60, writes, scenario.hashCode());
        writer.startingFrom(seeds); // with few writes, some seeded keys are never written: etcd still holds them
    }

    /** Starts the cluster and the application; the caller starts the writer. */
    static FaultRig start(String scenario, String fault, int writes) {
        EtcdCluster etcd = EtcdCluster.builder().members(3).start();
        return start(scenario, fault, etcd, etcd.endpoints(), writes);
    }

    static FaultRig start(String scenario, String fault, EtcdCluster etcd, String appEndpoints, int writes) {
        try {
            return new FaultRig(scenario, fault, etcd, appEndpoints, writes);
        } catch (RuntimeException | Error e) {
            etcd.close();
            throw e;
        }
    }

    private void seen(List<ServiceInstance> instances) {
        mostInstancesSeen.accumulateAndGet(instances.size(), Math::max);
        if (instances.isEmpty()) {
            lastSeenWithoutInstance.set(System.nanoTime());
        }
    }

    void startWriting() {
        writer.start();
    }

    /** Waits until {@code count} writes in all were acknowledged. */
    void awaitWrites(int count) {
        await("writes acknowledged: " + count).atMost(Duration.ofSeconds(120)).until(() -> writer.acked() >= count);
    }

    /**
     * The moment the fault is over (or, for an instant fault, injected): writes a marker under each
     * prefix and measures how long until the config source shows both and the registration is held.
     */
    void healed() {
        healedAt = System.nanoTime();
        String value = "m" + healedAt;
        for (String marker : MARKERS) {
            await("marker write accepted").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> putOnce(marker, value));
        }
        long[] seen = {0, 0};
        await("markers visible in the config source and registration held").atMost(CONVERGE).until(() -> {
            long now = System.nanoTime();
            if (seen[0] == 0 && value.equals(source.getValue("marker.shared")) && value.equals(source.getValue("marker.own"))) {
                seen[0] = now;
            }
            if (seen[1] == 0 && registration.isRegistered()) {
                seen[1] = now;
            }
            return seen[0] != 0 && seen[1] != 0;
        });
        result.recovery = Duration.ofNanos(seen[0] - healedAt);
        result.registrationBack = Duration.ofNanos(seen[1] - healedAt);
    }

    /**
     * Stops the writer after {@code total} writes and checks everything the scenario promises:
     * snapshot equal to etcd key by key, events in revision order replaying to the snapshot, every
     * acknowledged write present, the registration present exactly once.
     */
    FaultResult finish(int total) throws Exception {
        awaitWrites(total);
        writer.close();
        writer.failIfBroken();
        result.writes = writer.acked();
        result.writeOutage = writer.longestGap();

        // etcd holds every acknowledged write (linearizable read through the test's own client)
        Map<String, String> written = new TreeMap<>();
        for (String prefix : PREFIXES) {
            written.putAll(readPrefix(prefix));
        }
        MARKERS.forEach(written::remove);
        Map<String, String> expected = writer.expected();
        assertThat(written).as("etcd content vs the replay of every acknowledged write").isEqualTo(expected);

        // the config source's snapshot equals etcd's content under the prefixes, key by key
        Map<String, String>[] etcdView = new Map[1];
        await("config source snapshot equal to etcd").atMost(CONVERGE).until(() -> {
            etcdView[0] = merged();
            return etcdView[0].equals(source.getProperties());
        });
        Map<String, String> snapshot = source.getProperties();
        for (String name : new TreeSet<>(etcdView[0].keySet())) {
            assertThat(snapshot.get(name)).as("property %s", name).isEqualTo(etcdView[0].get(name));
        }
        assertThat(snapshot.keySet()).as("no property etcd does not have").isEqualTo(etcdView[0].keySet());
        result.keysCompared = etcdView[0].size();

        // events: revision order, and replaying them from the initial snapshot gives the final one
        await("change events caught up").atMost(CONVERGE).until(() -> replay().state().equals(snapshot));
        List<ConfigChangeEvent> got = new ArrayList<>(events);
        Replay replayed = replay();
        long previous = 0;
        for (ConfigChangeEvent event : got) {
            // a re-read after a lost watch publishes its catch-up at the revision it read, which another
            // prefix's change may already have used: revisions never go back, but may repeat
            assertThat(event.revision()).as("event revisions never go back").isGreaterThanOrEqualTo(previous);
            previous = event.revision();
        }
        result.events = got.size();
        result.eventsLost = replayed.gaps().size();
        // a change whose old value is not the state replayed so far follows a change that never arrived
        assertThat(replayed.gaps()).as("changes whose old value differs from the replayed state (events lost before them)")
                .isEmpty();
        assertThat(source.isLive()).as("config watch live").isTrue();

        // registration: present, exactly once, under the lease the keeper holds, no other lease
        await("registration present in etcd").atMost(TTL.plusSeconds(10)).until(registration::isRegistered);
        await("exactly one registration record under the current lease, and no other lease").atMost(TTL.multipliedBy(3))
                .ignoreExceptions().until(this::registeredExactlyOnce);
        assertThat(mostInstancesSeen.get()).as("most instances a watcher ever saw").isLessThanOrEqualTo(1);
        assertThat(watcher.instances(SERVICE)).hasSize(1);
        result.reRegistrations = registration.reRegistrations() - (int) startReRegistrations;
        result.registrationSeenMissing = lastSeenWithoutInstance.get() != 0;
        assertThat(Threads.deadlocks()).as("deadlocked threads after the fault").isEmpty();
        return result;
    }

    private boolean registeredExactlyOnce() throws Exception {
        ByteSequence prefix = bytes("/services/" + SERVICE + "/");
        List<KeyValue> records = probe.getKVClient().get(prefix, GetOption.builder().withRange(KeyRanges.prefixEnd(prefix)).build())
                .get(5, TimeUnit.SECONDS).getKvs();
        long lease = registration.leaseId().orElse(-1);
        List<Long> leases = etcd.ctl().leaseList();
        return records.size() == 1 && records.get(0).getLease() == lease && leases.equals(List.of(lease));
    }

    /** The state the events replay to, and the changes whose old value was not the state replayed before them. */
    record Replay(Map<String, String> state, List<String> gaps) {
    }

    private Replay replay() {
        Map<String, String> state = new HashMap<>(initial);
        List<String> gaps = new ArrayList<>();
        for (ConfigChangeEvent event : events) {
            for (ConfigChange change : event.changes().values()) {
                Optional<String> before = Optional.ofNullable(state.get(change.name()));
                if (!before.equals(change.oldValue())) {
                    gaps.add(change + " at revision " + event.revision() + ", replayed state " + before.orElse("(absent)"));
                }
                if (change.newValue().isPresent()) {
                    state.put(change.name(), change.newValue().get());
                } else {
                    state.remove(change.name());
                }
            }
        }
        return new Replay(state, gaps);
    }

    /** etcd's content under both prefixes as property names, the later prefix winning (linearizable reads). */
    Map<String, String> merged() throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String prefix : PREFIXES) {
            readPrefix(prefix).forEach((k, v) -> out.put(k.substring(prefix.length()).replace('/', '.'), v));
        }
        return out;
    }

    Map<String, String> readPrefix(String prefix) throws Exception {
        ByteSequence p = bytes(prefix);
        Map<String, String> out = new TreeMap<>();
        for (KeyValue kv : probe.getKVClient().get(p, GetOption.builder().withRange(KeyRanges.prefixEnd(p)).build())
                .get(10, TimeUnit.SECONDS).getKvs()) {
            out.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    private void put(String key, String value) {
        await("seed write").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> putOnce(key, value));
    }

    private boolean putOnce(String key, String value) throws Exception {
        probe.getKVClient().put(bytes(key), bytes(value)).get(2, TimeUnit.SECONDS);
        return true;
    }

    int acked() {
        return writer.acked();
    }

    @Override
    public void close() throws Exception {
        try {
            writer.close();
            watch.close();
            watcher.close();
            watcherConnection.close();
            app.close();
            probe.close();
        } finally {
            etcd.close();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
