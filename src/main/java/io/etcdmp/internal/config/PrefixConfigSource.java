package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.watch.PrefixMirror;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
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
public class PrefixConfigSource implements EtcdConfigSource {
    private static final System.Logger LOG = System.getLogger(PrefixConfigSource.class.getName());

    private final ConfigSourceSettings settings;
    private final EtcdSettings etcd;
    private final ConfigSnapshot snapshot;
    private final ChangeEvents changes;
    /** The source's gauges while it is open ({@link SourceMetrics}). */
    private AutoCloseable gauges;
    private final String name;
    /** One mirror per prefix, in prefix order; replaced as a whole when the source starts again. */
    private volatile List<PrefixMirror> mirrors = List.of();
    /** Every prefix's changes in revision order; replaced when the source starts again. */
    private PrefixOrdering ordering;
    private final StartReader reader;
    private EtcdConnection connection;
    private volatile boolean publishing;
    private boolean closed;
    /** The last known good configuration ({@code etcd.config.cache-file}); null when no file is set. */
    private final CacheFallback cache;
    /** The revision of the last batch applied (or of the start read): what the cache file is current at. */
    private volatile long appliedRevision;
    /** The Configs and CDI containers holding this source open. */
    private final SourceUsers users = new SourceUsers();
    private final SecretValues secrets; // decrypts for lookups: the snapshot keeps the ciphertext

    PrefixConfigSource(ConfigSourceSettings settings, EtcdSettings etcd) {
        this.settings = settings;
        this.etcd = etcd;
        this.reader = new StartReader(settings, etcd);
        List<ByteSequence> prefixes = settings.prefixes().stream()
                .map(p -> ByteSequence.from(p, StandardCharsets.UTF_8)).toList();
        this.snapshot = new ConfigSnapshot(prefixes, settings.documents(), settings.documentMaxProperties(), this::form);
        this.changes = new ChangeEvents(snapshot, settings.prefixes());
        this.name = NAME + "[endpoints=" + etcd.endpointList() + ", prefixes=" + settings.prefixes() + "]";
        this.secrets = new SecretValues(settings.keys(), name);
        snapshot.changedTo = secrets::changed;
        this.cache = settings.cacheFile().map(file -> new CacheFallback(file, etcd,
                () -> CacheFallback.content(snapshot, appliedRevision, etcd, settings.prefixes()))).orElse(null);
    }

    /** A source for these settings, not started and not shared ({@link EtcdConfigSourceProvider#newSource}). */
    public static PrefixConfigSource create(ConfigSourceSettings settings, EtcdSettings etcd) {
        return EtcdConfigSourceProvider.newSource(settings, etcd);
    }

    /** What lookups of a property return until it changes: the (decrypted) value; a subclass may keep a richer form with the stored {@code raw} one. */
    Object lookupValue(String propertyName, String value, String raw) {
        return value;
    }

    /** The looked-up form of a stored value, under the snapshot's read lock: decrypted, or {@link SecretValues#ABSENT}. */
    private Object form(String propertyName, String stored) {
        String clear = secrets.clear(propertyName, stored, appliedRevision);
        return clear == null ? SecretValues.ABSENT : lookupValue(propertyName, clear, stored);
    }

    /** The looked-up value of a property ({@link #lookupValue}), or {@code null} when etcd does not hold it (or it does not decrypt). */
    final Object lookup(String propertyName) {
        Object form = snapshot.lookup(propertyName);
        secrets.logPending();
        return form == SecretValues.ABSENT ? null : form;
    }

    /** The etcd config sources of a {@code Config} that this library made (normally one). */
    public static List<PrefixConfigSource> of(Config config) {
        return StreamSupport.stream(config.getConfigSources().spliterator(), false)
                .filter(PrefixConfigSource.class::isInstance).map(PrefixConfigSource.class::cast).toList();
    }

    /** Connects, reads every prefix at one revision and starts the watches. A failure is thrown with
     *  {@code etcd.config.optional=false}; with {@code true} the source starts empty and fills itself once etcd answers. */
    public synchronized void start() {
        closed = false;
        connection = EtcdConnections.acquire(etcd);
        closeGauges();
        gauges = SourceMetrics.register(this);
        ordering = new PrefixOrdering(settings.prefixes().size(), connection, () -> mirrors, this::applied);
        List<PrefixMirror> created = new ArrayList<>();
        for (int i = 0; i < settings.prefixes().size(); i++) {
            created.add(new PrefixMirror(connection, ByteSequence.from(settings.prefixes().get(i), StandardCharsets.UTF_8),
                    ordering.listener(i)));
        }
        mirrors = List.copyOf(created);
        if (cache != null) {
            cache.resume();
        }
        try {
            long revision = readOrServeCache();
            secrets.checkAtStart(snapshot.copy(), !settings.optional(), Math.max(revision, appliedRevision));
            if (revision < 0) {
                mirrors.forEach(PrefixMirror::startInBackground);
                return;
            }
            appliedRevision = revision;
            watchInBackground(revision);
            cacheChanged();
        } catch (Exception e) {
            if (e instanceof SecretValues.Unreadable unreadable) {
                shutDown();
                throw unreadable;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!settings.optional()) {
                shutDown();
                throw reader.failure(e);
            }
            LOG.log(Level.WARNING, "etcd at {0} cannot be read now ({1}); starting without etcd values because {2}=true. "
                    + "They are loaded, with change events, once etcd answers", etcd.endpointList(), EtcdFailures.describe(e),
                    ConfigSourceSettings.OPTIONAL);
            mirrors.forEach(PrefixMirror::startInBackground);
        } catch (Error e) { // not etcd's answer but a fault here: give the connection back before it goes up
            close();
            throw e;
        } finally {
            publishing = true;
        }
    }

    /** A CDI container runs with this source: open (started again if closed: an embedded restart, the next test class) until released. */
    public synchronized void claim(Object container) {
        if (users.claim(container) && closed) {
            start();
        }
    }

    /** The container stopped: the source closes if it was the last container using it ({@link SourceUsers}). */
    public synchronized void release(Object container) {
        if (users.release(container)) {
            shutDown();
        }
    }

    /** One more Config is handed this source (same class loader and settings); false when it is closed. */
    synchronized boolean share() {
        return !closed && users.addConfig();
    }

    /** Whether the source is closed: no Config or container holds it any more. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Reads every prefix at one revision; returns it. With a cache file, etcd gets one attempt (bounded by
     * the request timeout; none when every endpoint refuses TCP connections): when it fails and the file is usable, the source serves the file and this
     * returns -1; a file that is not usable is warned about and the start goes on as without one.
     */
    private long readOrServeCache() throws Exception {
        if (cache == null) {
            return reader.readAll(mirrors, false);
        }
        try {
            if (EndpointProbe.allRefuse(etcd.endpoints(), StartReader.shorter(etcd.connectTimeout(), etcd.requestTimeout().dividedBy(4)))) {
                throw new java.net.ConnectException("every endpoint refused the connection");
            }
            return reader.readAll(mirrors, true);
        } catch (Exception e) {
            if (e instanceof InterruptedException || !StartReader.worthRetrying(e)) {
                throw e;
            }
            try {
                CacheFile.Content content = CacheFile.read(cache.file(), settings.prefixes());
                cache.serve(snapshot, content, e);
                appliedRevision = content.revision();
                return -1;
            } catch (CacheFile.Unusable unusable) {
                LOG.log(Level.WARNING, "Config cache file {0} is not used: {1}", cache.file(), unusable.getMessage());
            }
            return reader.readAll(mirrors, false);
        }
    }

    /** The snapshot changed: the cache file follows (not while the snapshot is the file's own content). */
    private void cacheChanged() {
        if (cache != null) {
            cache.changed(connection);
        }
    }

    /**
     * The watches start on the connection's thread: opening a gRPC stream costs ~1 ms (~15 ms in a fresh
     * JVM) that the application's start need not wait for; from R+1, nothing is missed. The ready line too
     * (writing a log record costs ~1 ms on a console handler).
     */
    private void watchInBackground(long revision) {
        long watchFrom = revision + 1;
        List<Integer> sizes = snapshot.sizes();
        List<PrefixMirror> started = mirrors;
        connection.scheduler().execute(() -> {
            started.forEach(mirror -> mirror.watchFrom(watchFrom));
            LOG.log(Level.INFO, () -> "etcd config source ready: " + sizes + " properties (per prefix) from "
                    + name + " at revision " + (watchFrom - 1));
        });
    }

    private void applied(List<RevisionOrder.Batch> batches, long revision) {
        changes.apply(batches, revision, publishing, connection);
        appliedRevision = Math.max(appliedRevision, revision);
        if (cache != null) {
            cache.applied(batches, revision);
        }
        cacheChanged();
    }

    /**
     * Adds a listener told of every later change, in revision order. Closing the returned handle
     * removes it.
     */
    @Override
    public AutoCloseable addChangeListener(Consumer<ConfigChangeEvent> listener) {
        return changes.add(listener);
    }

    /** True while every prefix has a live watch. */
    @Override
    public boolean isLive() {
        return !mirrors.isEmpty() && mirrors.stream().allMatch(PrefixMirror::isLive);
    }

    /** The lowest revision the prefixes are current at; while {@link #isStale()}, the cache file's. */
    @Override
    public long revision() {
        long stale = cache == null ? 0 : cache.staleRevision();
        return stale != 0 ? stale : mirrors.stream().mapToLong(PrefixMirror::revision).min().orElse(0);
    }

    /** True while the values come from the cache file ({@code etcd.config.cache-file}) because etcd was not read yet. */
    @Override
    public boolean isStale() {
        return cache != null && cache.staleRevision() != 0;
    }

    /** Whether the configuration was loaded, from etcd or from the cache file (readiness waits for it). */
    public boolean isLoaded() {
        return appliedRevision > 0;
    }

    /** For how long (ns, {@code System.nanoTime()}) some prefix's watch has not been live (the longest); 0 while all are. */
    public long notLiveNanos() {
        return mirrors.stream().mapToLong(PrefixMirror::notLiveNanos).max().orElse(0);
    }

    public ConfigSourceSettings settings() {
        return settings;
    }

    public EtcdSettings etcdSettings() {
        return etcd;
    }

    @Override
    public String getValue(String propertyName) {
        return (String) lookup(propertyName);
    }

    @Override
    public Set<String> getPropertyNames() {
        return snapshot.names();
    }

    /** The values as stored: an encrypted value in its {@code ${aes-gcm-nopadding::...}} form (never in clear: dumps of a source show these). */
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

    /** Gives back its Config's hold; the last user ({@link SourceUsers}) stops the watches and gives the connection back. */
    @Override
    public synchronized void close() {
        if (users.closeConfig()) {
            shutDown();
        }
    }

    /** Stops the watches and gives the connection back, whoever holds the source. */
    private void shutDown() {
        closed = true;
        EtcdConfigSourceProvider.forget(this);
        mirrors.forEach(PrefixMirror::close);
        changes.clear();
        closeGauges();
        if (cache != null) {
            cache.stop();
        }
        if (connection != null) {
            connection.close();
        }
    }

    private void closeGauges() {
        if (gauges != null) {
            try {
                gauges.close();
            } catch (Exception ignored) {
                // removing from a list: cannot fail
            }
            gauges = null;
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
