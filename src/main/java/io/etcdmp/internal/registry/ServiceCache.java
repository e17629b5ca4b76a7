package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.internal.watch.PrefixMirror;
import io.etcdmp.registry.ServiceChangeEvent;
import io.etcdmp.registry.ServiceInstance;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The local list of one service's instances, kept current by a {@link PrefixMirror} on
 * {@code <prefix><service>/} (same gap-free resume and compaction recovery as the config source), or
 * fed by the one {@link RegistryWatch} on the whole registry prefix once the registry follows many services.
 * Reads never touch the network. Records are parsed once per change; those that do not parse are
 * skipped with one warning per key and revision.
 */
final class ServiceCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ServiceCache.class.getName());

    private final String service;
    private final ByteSequence prefix;
    /** Its own watch; null once it is fed by the registry-wide watch. */
    private volatile PrefixMirror mirror;
    private volatile BooleanSupplier fedLive;
    private final EtcdConnection connection;
    private final Map<ByteSequence, ServiceInstance> byKey = new HashMap<>();
    /** Keys whose record was skipped, with the revision of that record: one warning per key and revision. */
    private final Map<ByteSequence, Long> skipped = new HashMap<>();
    private final List<Delivery> listeners = new CopyOnWriteArrayList<>();
    private volatile ServiceChangeEvent last;
    private volatile List<ServiceInstance> instances = List.of();
    private volatile boolean started;

    ServiceCache(EtcdConnection connection, String registryPrefix, String service) {
        this.connection = connection;
        this.service = service;
        this.prefix = ByteSequence.from(registryPrefix + service + "/", StandardCharsets.UTF_8);
        this.last = new ServiceChangeEvent(service, List.of(), 0);
        this.mirror = new PrefixMirror(connection, prefix, this::apply);
    }

    /** A cache fed by the registry-wide watch from the start. */
    static ServiceCache fed(EtcdConnection connection, String registryPrefix, String service, BooleanSupplier live) {
        ServiceCache cache = new ServiceCache(connection, registryPrefix, service);
        cache.feedFrom(live);
        return cache;
    }

    void start() throws Exception {
        mirror.start();
        started = true;
    }

    List<ServiceInstance> instances() {
        return instances;
    }

    boolean isLive() {
        PrefixMirror own = mirror;
        return own != null ? own.isLive() : fedLive.getAsBoolean();
    }

    /** From now on fed by the registry-wide watch ({@link #reset}, {@link #apply}): its own watch ends. */
    void feedFrom(BooleanSupplier live) {
        fedLive = live;
        PrefixMirror own = mirror;
        mirror = null;
        started = true;
        if (own != null) {
            own.close();
        }
    }

    /** Every record of the service at {@code revision} (from a whole read): what the cache held is replaced. */
    void reset(List<KeyChange> all, long revision) {
        List<KeyChange> changes = new ArrayList<>(all);
        java.util.Set<ByteSequence> present = new java.util.HashSet<>();
        all.forEach(c -> present.add(c.key()));
        for (ByteSequence held : byKey.keySet()) {
            if (!present.contains(held)) {
                changes.add(new KeyChange(held, null, revision));
            }
        }
        apply(changes, revision);
    }

    /** A listener of every change from now on (only changes applied after this call reach it). */
    AutoCloseable addListener(Consumer<ServiceChangeEvent> listener) {
        Delivery delivery = new Delivery(listener);
        listeners.add(delivery);
        return () -> listeners.remove(delivery);
    }

    /**
     * A listener that first receives the list current when it runs on the events thread, then every later change:
     * never a list older than one it already received (an older change still queued is dropped for it).
     */
    AutoCloseable follow(Consumer<ServiceChangeEvent> listener) {
        Delivery delivery = new Delivery(listener);
        listeners.add(delivery);
        EtcdConnection.unlessClosing(LOG, "List of " + service + " not delivered",
                () -> connection.events().execute(() -> delivery.offer(last)));
        return () -> listeners.remove(delivery);
    }

    void apply(List<KeyChange> changes, long revision) {
        for (KeyChange change : changes) {
            if (change.isDelete()) {
                byKey.remove(change.key());
                skipped.remove(change.key());
                continue;
            }
            try { // one record at a time: whatever one does, the others of the batch still apply
                String keyId = KeyRanges.describe(change.key().substring(prefix.size()));
                if (keyId.isEmpty() || keyId.contains("/")) {
                    throw new IllegalArgumentException("not <prefix>" + service + "/<instance-id>");
                }
                byKey.put(change.key(), InstanceRecords.parse(service, keyId, change.value().toString(StandardCharsets.UTF_8)));
                skipped.remove(change.key());
            } catch (InstanceRecords.NotAnInstance e) {
                byKey.remove(change.key());
                skip(change, e.getMessage(), Level.DEBUG);
            } catch (RuntimeException | StackOverflowError e) {
                byKey.remove(change.key());
                skip(change, e instanceof IllegalArgumentException ? e.getMessage() : "cannot be read ("
                        + e.getClass().getSimpleName() + ")", Level.WARNING);
            }
        }
        List<ServiceInstance> now = new ArrayList<>(byKey.values());
        now.sort(Comparator.comparing(ServiceInstance::instanceId));
        List<ServiceInstance> snapshot = List.copyOf(now);
        ServiceChangeEvent event = new ServiceChangeEvent(service, snapshot, revision);
        instances = snapshot;
        last = event;
        // every applied change is reported, an unchanged list too: skipping those (tried) left Open Liberty
        // holding the undeployed application's class loader (it/liberty redeploy test); cause not found yet
        // the listeners are those of now: one added later read this list or a newer one itself, and must not get it late
        List<Delivery> to = List.copyOf(listeners);
        if (started && !to.isEmpty()) {
            EtcdConnection.unlessClosing(LOG, "Change of " + service + " not delivered",
                    () -> connection.events().execute(() -> to.forEach(d -> d.offer(event))));
        }
    }

    /** Logs a skipped record once per key and revision, however often the same version comes by again (re-reads). */
    private void skip(KeyChange change, String reason, Level level) {
        Long before = skipped.put(change.key(), change.modRevision());
        if (before == null || before != change.modRevision()) {
            LOG.log(level, "Skipping registry record ''{0}'' (revision {1}): {2}", KeyRanges.describe(change.key()),
                    change.modRevision(), reason);
        }
    }

    /** One listener with the revision of the last list it received; used on the events thread only. */
    private static final class Delivery {
        private final Consumer<ServiceChangeEvent> listener;
        private long delivered = -1;

        Delivery(Consumer<ServiceChangeEvent> listener) {
            this.listener = listener;
        }

        void offer(ServiceChangeEvent event) {
            if (event.revision() < delivered) {
                return; // older than a list it already has
            }
            delivered = event.revision();
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Service listener " + listener + " failed on a change of " + event.service(), e);
            }
        }
    }

    @Override
    public void close() {
        PrefixMirror own = mirror;
        if (own != null) {
            own.close();
        }
        listeners.clear();
    }
}
