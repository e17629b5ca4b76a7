package io.etcdmp.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.EtcdException;
import io.etcdmp.OptionalApis;
import io.etcdmp.client.EtcdConnection;
import io.etcdmp.client.EtcdConnections;
import io.etcdmp.client.EtcdFailures;
import io.etcdmp.client.EtcdSettings;
import io.etcdmp.watch.Backoff;
import io.etcdmp.watch.KeyChange;
import io.etcdmp.watch.KeyRanges;
import io.etcdmp.watch.PrefixMirror;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

/**
 * A MicroProfile {@link ConfigSource} holding the properties stored in etcd under the configured key
 * prefixes. Lookups read a local snapshot and never touch the network; the snapshot is kept current by
 * one watch per prefix and re-read whenever a watch is lost (see {@link PrefixMirror}).
 *
 * <p>Property name = the key with its prefix removed and every {@code /} turned into {@code .}.
 * Created by {@link EtcdConfigSourceProvider}; closed by the CDI extension when the application stops,
 * or by {@link #close()}. Where SmallRye Config is visible to the library, the provider creates a
 * {@link SmallRyeEtcdConfigSource}, which hands SmallRye ready {@code ConfigValue}s.
 */
public class EtcdConfigSource implements ConfigSource, AutoCloseable {
    public static final String NAME = "etcd";
    private static final long ASK_AGAIN_MILLIS = 250;
    private static final System.Logger LOG = System.getLogger(EtcdConfigSource.class.getName());

    private final ConfigSourceSettings settings;
    private final EtcdSettings etcd;
    private final ConfigSnapshot snapshot;
    private final List<ConfigChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final List<PrefixMirror> mirrors = new ArrayList<>();
    private final String name;
    private final Object orderLock = new Object();
    private RevisionOrder order;
    private boolean askAgainScheduled;
    private EtcdConnection connection;
    private volatile boolean publishing;

    EtcdConfigSource(ConfigSourceSettings settings, EtcdSettings etcd) {
        this.settings = settings;
        this.etcd = etcd;
        List<ByteSequence> prefixes = settings.prefixes().stream()
                .map(p -> ByteSequence.from(p, StandardCharsets.UTF_8)).toList();
        this.snapshot = new ConfigSnapshot(prefixes, this::readyForm);
        this.name = NAME + "[endpoints=" + etcd.endpointList() + ", prefixes=" + settings.prefixes() + "]";
    }

    /** A source for these settings: the SmallRye-aware one where SmallRye Config can be used, else the plain one. */
    static EtcdConfigSource create(ConfigSourceSettings settings, EtcdSettings etcd) {
        EtcdConfigSource smallRye = null;
        if (OptionalApis.SMALLRYE_CONFIG) {
            try {
                smallRye = SmallRyeEtcdConfigSource.createOrNull(settings, etcd);
            } catch (LinkageError e) {
                LOG.log(Level.DEBUG, "SmallRye Config is visible but cannot be linked here; using the plain config source", e);
            }
        }
        return smallRye != null ? smallRye : new EtcdConfigSource(settings, etcd);
    }

    /**
     * What lookups of a property return until it changes, made once from its name and value: the value
     * itself here; a subclass may keep a richer form. Called under the snapshot's read lock.
     */
    Object readyForm(String propertyName, String value) {
        return value;
    }

    /** The ready form of a property ({@link #readyForm}), or {@code null} when etcd does not hold it. */
    final Object ready(String propertyName) {
        return snapshot.ready(propertyName);
    }

    /** The etcd config sources of a {@code Config} (normally one). */
    public static List<EtcdConfigSource> of(Config config) {
        return StreamSupport.stream(config.getConfigSources().spliterator(), false)
                .filter(EtcdConfigSource.class::isInstance).map(EtcdConfigSource.class::cast).toList();
    }

    /**
     * Connects, reads every prefix at one revision and starts the watches. With
     * {@code etcd.config.optional=false} a failure is thrown; with {@code true} the source starts empty
     * and fills itself (with change events) once etcd answers.
     */
    synchronized void start() {
        connection = EtcdConnections.acquire(etcd);
        order = new RevisionOrder(settings.prefixes().size(), this::applied, i -> mirrors.get(i).requestProgress());
        for (int i = 0; i < settings.prefixes().size(); i++) {
            int index = i;
            mirrors.add(new PrefixMirror(connection, ByteSequence.from(settings.prefixes().get(i), StandardCharsets.UTF_8),
                    new PrefixMirror.ContentListener() {
                        @Override
                        public void onChanges(List<KeyChange> changes, long revision) {
                            ordered(() -> order.offer(index, changes, revision));
                        }

                        @Override
                        public void onReset(List<KeyValue> all, long revision) {
                            ordered(() -> order.offerWhole(index, all, revision));
                        }

                        @Override
                        public void onProgress(long revision) {
                            ordered(() -> order.progress(index, revision));
                        }

                        @Override
                        public void onCaughtUp(long revision) {
                            ordered(() -> order.caughtUp(index, revision));
                        }
                    }));
        }
        PrefixMirror reading = null;
        int attempts = 0;
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        try {
            long revision;
            while (true) {
                attempts++;
                try {
                    revision = 0;
                    for (PrefixMirror mirror : mirrors) {
                        reading = mirror;
                        revision = mirror.load(revision);
                    }
                    break;
                } catch (Exception e) {
                    Duration wait = backoff.next();
                    if (settings.optional() || !worthRetrying(e) || System.nanoTime() + wait.toNanos() >= deadline) {
                        throw e;
                    }
                    LOG.log(attempts == 1 ? Level.INFO : Level.DEBUG, "etcd at {0} not read yet ({1}); trying again for up to {2}",
                            etcd.endpointList(), EtcdFailures.describe(e), ConfigSourceSettings.START_TIMEOUT);
                    Thread.sleep(wait.toMillis());
                }
            }
            if (attempts > 1) {
                LOG.log(Level.INFO, "etcd at {0} read at attempt {1}", etcd.endpointList(), attempts);
            }
            // the watches start on the connection's thread: opening a gRPC stream costs ~1 ms (~15 ms in a
            // fresh JVM) that the application's start need not wait for; from R+1, nothing is missed
            // and so does the ready line (writing a log record costs ~1 ms on a console handler)
            long watchFrom = revision + 1;
            List<Integer> sizes = snapshot.sizes();
            connection.scheduler().execute(() -> {
                mirrors.forEach(mirror -> mirror.watchFrom(watchFrom));
                LOG.log(Level.INFO, () -> "etcd config source ready: " + sizes + " properties (per prefix) from "
                        + name + " at revision " + (watchFrom - 1));
            });
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!settings.optional()) {
                close();
                String cause = EtcdFailures.isPermissionDenied(e) && reading != null
                        ? EtcdFailures.missingPermission(etcd, "read", KeyRanges.describe(reading.prefix()))
                        : EtcdFailures.isAuthenticationFailure(e) ? EtcdFailures.badCredentials(etcd)
                        : EtcdFailures.describe(e) + EtcdFailures.tlsHint(etcd) + ". Start etcd or fix " + EtcdSettings.ENDPOINTS;
                String tried = attempts > 1 ? " (" + attempts + " attempts within " + ConfigSourceSettings.START_TIMEOUT + "="
                        + settings.startTimeout().toMillis() + "ms)" : "";
                throw new EtcdException("Cannot read configuration from etcd at " + etcd.endpointList()
                        + " (prefixes " + settings.prefixes() + ")" + tried + ": " + cause + "; or set " + ConfigSourceSettings.OPTIONAL
                        + "=true to start without etcd values and pick them up when etcd answers", e);
            }
            LOG.log(Level.WARNING, "etcd at {0} cannot be read now ({1}); starting without etcd values because {2}=true. "
                    + "They are loaded, with change events, once etcd answers", etcd.endpointList(), EtcdFailures.describe(e),
                    ConfigSourceSettings.OPTIONAL);
            mirrors.forEach(PrefixMirror::startInBackground);
        } finally {
            publishing = true;
        }
    }

    /** Whether another read at start may succeed: not after etcd refused the credentials or a permission. */
    private static boolean worthRetrying(Exception e) {
        return !EtcdFailures.isPermissionDenied(e) && !EtcdFailures.isAuthenticationFailure(e) && !(e instanceof InterruptedException);
    }

    /** Every prefix's changes pass through one {@link RevisionOrder}, so they apply and publish in revision order. */
    private void ordered(Runnable step) {
        synchronized (orderLock) {
            step.run();
            if (order.waiting() && !askAgainScheduled) {
                askAgainScheduled = true;
                try {
                    connection.scheduler().schedule(this::askAgain, ASK_AGAIN_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "Not waiting for other prefixes: the source is closing");
                }
            }
        }
    }

    private void askAgain() {
        synchronized (orderLock) {
            askAgainScheduled = false;
        }
        ordered(order::askLaggingAgain);
    }

    private void applied(List<RevisionOrder.Batch> batches, long revision) {
        boolean report = publishing && !listeners.isEmpty();
        Map<String, ConfigChange> changed = new HashMap<>();
        for (RevisionOrder.Batch batch : batches) {
            Map<String, ConfigChange> step = batch.whole() != null
                    ? snapshot.reset(batch.index(), batch.whole(), report)
                    : snapshot.apply(batch.index(), batch.changes(), report);
            step.forEach((name, change) -> {
                ConfigChange before = changed.get(name);
                changed.put(name, before == null ? change : new ConfigChange(name, before.oldValue(), change.newValue()));
            });
        }
        changed.values().removeIf(c -> c.oldValue().equals(c.newValue()));
        if (changed.isEmpty()) {
            return;
        }
        ConfigChangeEvent event = new ConfigChangeEvent(revision, changed);
        try {
            connection.events().execute(() -> deliver(event));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Change at revision {0} not delivered: the source is closing", revision);
        }
    }

    private void deliver(ConfigChangeEvent event) {
        for (ConfigChangeListener listener : listeners) {
            try {
                listener.onChange(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Config change listener " + listener + " failed on " + event.names(), e);
            }
        }
    }

    /**
     * Adds a listener told of every later change, in revision order. Closing the returned handle
     * removes it.
     */
    public AutoCloseable addChangeListener(ConfigChangeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** True while every prefix has a live watch. */
    public boolean isLive() {
        return !mirrors.isEmpty() && mirrors.stream().allMatch(PrefixMirror::isLive);
    }

    /** The lowest revision the prefixes are known to be current at. */
    public long revision() {
        return mirrors.stream().mapToLong(PrefixMirror::revision).min().orElse(0);
    }

    public ConfigSourceSettings settings() {
        return settings;
    }

    public EtcdSettings etcdSettings() {
        return etcd;
    }

    @Override
    public String getValue(String propertyName) {
        return (String) ready(propertyName);
    }

    @Override
    public Set<String> getPropertyNames() {
        return snapshot.names();
    }

    @Override
    public Map<String, String> getProperties() {
        return snapshot.copy();
    }

    @Override
    public int getOrdinal() {
        return settings.ordinal();
    }

    @Override
    public String getName() {
        return name;
    }

    /** Stops the watches and gives the connection back; the last values stay readable. */
    @Override
    public synchronized void close() {
        mirrors.forEach(PrefixMirror::close);
        listeners.clear();
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }

}
