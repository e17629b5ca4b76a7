package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.config.ConfigChange;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.OptionalApis;
import io.etcdmp.internal.watch.Backoff;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.internal.watch.PrefixMirror;
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
    private static final long ASK_AGAIN_MILLIS = 250;
    private static final System.Logger LOG = System.getLogger(PrefixConfigSource.class.getName());

    private final ConfigSourceSettings settings;
    private final EtcdSettings etcd;
    private final ConfigSnapshot snapshot;
    private final List<Consumer<ConfigChangeEvent>> listeners = new CopyOnWriteArrayList<>();
    /** How long the changes of one prefix wait for the others before a lagging prefix is given up on (and re-read). */
    static final Duration MAX_ORDER_WAIT = Duration.ofSeconds(1);

    private final String name;
    private final Object orderLock = new Object();
    /** One mirror per prefix, in prefix order; replaced as a whole when the source starts again. */
    private volatile List<PrefixMirror> mirrors = List.of();
    private RevisionOrder order;
    /** Calls into the mirrors that the order asked for, made after {@link #orderLock} is released. */
    private final List<Runnable> mirrorCalls = new ArrayList<>();
    private boolean askAgainScheduled;
    private EtcdConnection connection;
    private volatile boolean publishing;
    private boolean closed;
    /** At start: the mirror being read (names the prefix in a permission error) and the attempts made. */
    private PrefixMirror reading;
    private int startAttempts;
    /** Writes the last known good snapshot ({@code etcd.config.cache-file}); null when no file is set. */
    private final CacheWriter cache;
    /** The revision of the last batch applied (or of the start read): what the cache file is current at. */
    private volatile long appliedRevision;
    /** While serving from the cache file: its revision; 0 once every prefix has been read from etcd. */
    private volatile long staleRevision;
    /** While serving from the cache file, per prefix: read from etcd since. Guarded by {@link #orderLock}. */
    private boolean[] readSinceCache;

    PrefixConfigSource(ConfigSourceSettings settings, EtcdSettings etcd) {
        this.settings = settings;
        this.etcd = etcd;
        List<ByteSequence> prefixes = settings.prefixes().stream()
                .map(p -> ByteSequence.from(p, StandardCharsets.UTF_8)).toList();
        this.snapshot = new ConfigSnapshot(prefixes, settings.documents(), this::lookupValue);
        this.name = NAME + "[endpoints=" + etcd.endpointList() + ", prefixes=" + settings.prefixes() + "]";
        this.cache = settings.cacheFile().map(file -> new CacheWriter(file, this::cacheContent)).orElse(null);
    }

    /** A source for these settings: the SmallRye-aware one where SmallRye Config can be used, else the plain one. */
    public static PrefixConfigSource create(ConfigSourceSettings settings, EtcdSettings etcd) {
        PrefixConfigSource smallRye = null;
        if (OptionalApis.SMALLRYE_CONFIG) {
            try {
                smallRye = SmallRyeEtcdConfigSource.createOrNull(settings, etcd);
            } catch (LinkageError e) {
                LOG.log(Level.DEBUG, "SmallRye Config is visible but cannot be linked here; using the plain config source", e);
            }
        }
        return smallRye != null ? smallRye : new PrefixConfigSource(settings, etcd);
    }

    /**
     * What lookups of a property return until it changes, made once from its name and value: the value
     * itself here; a subclass may keep a richer form. Called under the snapshot's read lock.
     */
    Object lookupValue(String propertyName, String value) {
        return value;
    }

    /** The looked-up value of a property ({@link #lookupValue}), or {@code null} when etcd does not hold it. */
    final Object lookup(String propertyName) {
        return snapshot.lookup(propertyName);
    }

    /** The etcd config sources of a {@code Config} that this library made (normally one). */
    public static List<PrefixConfigSource> of(Config config) {
        return StreamSupport.stream(config.getConfigSources().spliterator(), false)
                .filter(PrefixConfigSource.class::isInstance).map(PrefixConfigSource.class::cast).toList();
    }

    /**
     * Connects, reads every prefix at one revision and starts the watches. With
     * {@code etcd.config.optional=false} a failure is thrown; with {@code true} the source starts empty
     * and fills itself (with change events) once etcd answers.
     */
    public synchronized void start() {
        closed = false;
        connection = EtcdConnections.acquire(etcd);
        synchronized (orderLock) {
            order = new RevisionOrder(settings.prefixes().size(), this::applied,
                    i -> afterOrder(() -> mirrors.get(i).requestProgress()),
                    i -> afterOrder(() -> giveUpWaitingFor(i)), MAX_ORDER_WAIT, System::nanoTime);
        }
        List<PrefixMirror> created = new ArrayList<>();
        for (int i = 0; i < settings.prefixes().size(); i++) {
            created.add(new PrefixMirror(connection, ByteSequence.from(settings.prefixes().get(i), StandardCharsets.UTF_8),
                    orderedListener(i)));
        }
        mirrors = List.copyOf(created);
        staleRevision = 0;
        if (cache != null) {
            cache.resume();
        }
        try {
            long revision = readOrServeCache();
            if (revision < 0) {
                mirrors.forEach(PrefixMirror::startInBackground);
                return;
            }
            appliedRevision = revision;
            watchInBackground(revision);
            cacheChanged();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (!settings.optional()) {
                close();
                throw startFailure(e);
            }
            LOG.log(Level.WARNING, "etcd at {0} cannot be read now ({1}); starting without etcd values because {2}=true. "
                    + "They are loaded, with change events, once etcd answers", etcd.endpointList(), EtcdFailures.describe(e),
                    ConfigSourceSettings.OPTIONAL);
            mirrors.forEach(PrefixMirror::startInBackground);
        } finally {
            publishing = true;
        }
    }

    /**
     * Starts this source again after {@link #close()}: a new CDI container in the same JVM (an embedded
     * restart, the next test class) gets the {@code Config} that the runtime kept, and with it this
     * source. Reads etcd again, so values changed while it was closed are current. Does nothing while open.
     */
    public synchronized void reopen() {
        if (closed) {
            LOG.log(Level.DEBUG, "Reopening {0}", name);
            start();
        }
    }

    /** Whether {@link #close()} was called (and no {@link #reopen()} since). */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** The listener of prefix {@code index}: every call goes through the one {@link RevisionOrder}. */
    private PrefixMirror.ContentListener orderedListener(int index) {
        return new PrefixMirror.ContentListener() {
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
        };
    }

    /**
     * Reads every prefix at one revision; returns it. With a cache file, etcd gets one attempt (bounded by
     * the request timeout; none when every endpoint refuses TCP connections): when it fails and the file is usable, the source serves the file and this
     * returns -1; a file that is not usable is warned about and the start goes on as without one.
     */
    private long readOrServeCache() throws Exception {
        if (cache == null) {
            return readAll(false);
        }
        try {
            if (EndpointProbe.allRefuse(etcd.endpoints(), shorter(etcd.connectTimeout(), etcd.requestTimeout().dividedBy(4)))) {
                throw new java.net.ConnectException("every endpoint refused the connection");
            }
            return readAll(true);
        } catch (Exception e) {
            if (e instanceof InterruptedException || !worthRetrying(e)) {
                throw e;
            }
            try {
                CacheFile.Content content = CacheFile.read(cache.file(), settings.prefixes());
                serveFromCache(content, e);
                return -1;
            } catch (CacheFile.Unusable unusable) {
                LOG.log(Level.WARNING, "Config cache file {0} is not used: {1}", cache.file(), unusable.getMessage());
            }
            return readAll(false);
        }
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void serveFromCache(CacheFile.Content content, Exception etcdFailure) {
        for (int i = 0; i < settings.prefixes().size(); i++) {
            snapshot.restore(i, content.properties().get(i), content.documents().get(i));
        }
        synchronized (orderLock) {
            readSinceCache = new boolean[settings.prefixes().size()];
        }
        staleRevision = Math.max(1, content.revision());
        appliedRevision = content.revision();
        Duration age = Duration.between(content.written(), java.time.Instant.now());
        LOG.log(Level.WARNING, "etcd at {0} cannot be read now ({1}); serving the last known good configuration from "
                + "cache file {2}: revision {3}, written {4} ago ({5} properties). etcd is read again in the background, "
                + "and what changed meanwhile arrives as change events", etcd.endpointList(), EtcdFailures.describe(etcdFailure),
                cache.file(), content.revision(), Math.max(0, age.toSeconds()) + " s", snapshot.names().size());
    }

    /** What the cache file is to hold now: the snapshot, from the prefixes read from etcd. */
    private CacheFile.Content cacheContent() {
        long revision = appliedRevision;
        List<Map<String, String>> plain = new ArrayList<>();
        List<Map<String, String>> documents = new ArrayList<>();
        for (int i = 0; i < settings.prefixes().size(); i++) {
            Map<String, String> decoded = new HashMap<>();
            snapshot.plain(i).forEach((name, value) -> decoded.put(name, KeyNames.decode(value))); // outside the snapshot's lock
            plain.add(decoded);
            documents.add(snapshot.documents(i));
        }
        return new CacheFile.Content(revision, java.time.Instant.now(), etcd.endpointList(), settings.prefixes(), plain, documents);
    }

    /** The snapshot changed: the cache file follows (not while the snapshot is the file's own content). */
    private void cacheChanged() {
        if (cache != null && staleRevision == 0 && connection != null) {
            cache.changed(connection);
        }
    }

    /**
     * Reads every prefix at one revision. A required source keeps trying for {@code etcd.config.start-timeout}
     * (unless etcd refused the credentials or a permission); an optional one tries once.
     */
    private long readAll(boolean once) throws Exception {
        int attempts = 0;
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        while (true) {
            startAttempts = ++attempts;
            try {
                long revision = 0;
                for (PrefixMirror mirror : mirrors) {
                    reading = mirror;
                    // each read bounded by the request timeout, and all of them by what is left of the start timeout
                    long left = Math.max(1, deadline - System.nanoTime());
                    revision = mirror.load(revision, settings.optional() ? etcd.requestTimeout()
                            : min(etcd.requestTimeout(), Duration.ofNanos(left)));
                }
                if (attempts > 1) {
                    LOG.log(Level.INFO, "etcd at {0} read at attempt {1}", etcd.endpointList(), attempts);
                }
                return revision;
            } catch (Exception e) {
                Duration wait = backoff.next();
                if (once || settings.optional() || !worthRetrying(e) || System.nanoTime() + wait.toNanos() >= deadline) {
                    throw e;
                }
                LOG.log(attempts == 1 ? Level.INFO : Level.DEBUG, "etcd at {0} not read yet ({1}); trying again for up to {2}",
                        etcd.endpointList(), EtcdFailures.describe(e), ConfigSourceSettings.START_TIMEOUT);
                Thread.sleep(wait.toMillis());
            }
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

    /** The error of a required source that could not read etcd: what was refused or unreachable, and the fix. */
    private EtcdMicroprofileException startFailure(Exception e) {
        String cause;
        if (EtcdFailures.isPermissionDenied(e) && reading != null) {
            cause = EtcdFailures.missingPermission(etcd, "read", KeyRanges.describe(reading.prefix()));
        } else if (EtcdFailures.isAuthenticationFailure(e)) {
            cause = EtcdFailures.badCredentials(etcd);
        } else {
            cause = EtcdFailures.describe(e) + EtcdFailures.reachability(etcd) + EtcdFailures.tlsHint(etcd)
                    + ". Start etcd or fix " + EtcdSettings.ENDPOINTS;
        }
        String tried = startAttempts > 1 ? " (" + startAttempts + " attempts within " + ConfigSourceSettings.START_TIMEOUT + "="
                + settings.startTimeout().toMillis() + "ms)" : "";
        return new EtcdMicroprofileException("Cannot read configuration from etcd at " + etcd.endpointList()
                + " (prefixes " + settings.prefixes() + ")" + tried + ": " + cause + "; or set " + ConfigSourceSettings.OPTIONAL
                + "=true to start without etcd values and pick them up when etcd answers", e);
    }

    /**
     * Prefix {@code index} held the others' changes back for longer than {@link #MAX_ORDER_WAIT}: its watch
     * is down (permission revoked, no leader). The others go on without it; it is re-read at the current
     * revision, retrying with backoff, and its own log lines say what is wrong.
     */
    private void giveUpWaitingFor(int index) {
        PrefixMirror lagging = mirrors.get(index);
        LOG.log(Level.DEBUG, "Prefix {0} held back the changes of the other prefixes for over {1} ms; applying them without it "
                + "and re-reading it", KeyRanges.describe(lagging.prefix()), MAX_ORDER_WAIT.toMillis());
        lagging.resyncNow();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Whether another read at start may succeed: not after etcd refused the credentials or a permission. */
    private static boolean worthRetrying(Exception e) {
        return !EtcdFailures.isPermissionDenied(e) && !EtcdFailures.isAuthenticationFailure(e) && !(e instanceof InterruptedException);
    }

    /**
     * Every prefix's changes pass through one {@link RevisionOrder}, so they apply and publish in revision
     * order. What the order asks of the mirrors (progress requests, re-reads) is done after the lock is released.
     */
    private void ordered(Runnable step) {
        List<Runnable> asks;
        synchronized (orderLock) {
            step.run();
            if (order.waiting() && !askAgainScheduled) {
                askAgainScheduled = true;
                EtcdConnection.unlessClosing(LOG, "Not waiting for other prefixes",
                        () -> connection.scheduler().schedule(this::askAgain, ASK_AGAIN_MILLIS, TimeUnit.MILLISECONDS));
            }
            if (mirrorCalls.isEmpty()) {
                return;
            }
            asks = List.copyOf(mirrorCalls);
            mirrorCalls.clear();
        }
        asks.forEach(Runnable::run);
    }

    /** Called by the order (under its lock): the call is made by {@link #ordered} once the lock is released. */
    private void afterOrder(Runnable mirrorCall) {
        mirrorCalls.add(mirrorCall);
    }

    private void askAgain() {
        synchronized (orderLock) {
            askAgainScheduled = false;
        }
        ordered(() -> order.askLaggingAgain());
    }

    private void applied(List<RevisionOrder.Batch> batches, long revision) {
        applyBatches(batches, revision);
        appliedRevision = Math.max(appliedRevision, revision);
        if (staleRevision != 0) {
            caughtUpWithEtcd(batches, revision);
        }
        cacheChanged();
    }

    /** While serving the cache file: once every prefix has been read whole from etcd, the source is current again. */
    private void caughtUpWithEtcd(List<RevisionOrder.Batch> batches, long revision) {
        for (RevisionOrder.Batch batch : batches) {
            if (batch.whole() != null) {
                readSinceCache[batch.index()] = true;
            }
        }
        for (boolean read : readSinceCache) {
            if (!read) {
                return;
            }
        }
        LOG.log(Level.INFO, "etcd at {0} answered: configuration current at revision {1} again (it was served from cache "
                + "file {2} at revision {3}); the file is brought up to date", etcd.endpointList(), revision,
                cache.file(), staleRevision);
        staleRevision = 0;
    }

    private void applyBatches(List<RevisionOrder.Batch> batches, long revision) {
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
        EtcdConnection.unlessClosing(LOG, "Change at revision " + revision + " not delivered",
                () -> connection.events().execute(() -> deliver(event)));
    }

    private void deliver(ConfigChangeEvent event) {
        for (Consumer<ConfigChangeEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Config change listener " + listener + " failed on " + event.names(), e);
            }
        }
    }

    /**
     * Adds a listener told of every later change, in revision order. Closing the returned handle
     * removes it.
     */
    @Override
    public AutoCloseable addChangeListener(Consumer<ConfigChangeEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** True while every prefix has a live watch. */
    @Override
    public boolean isLive() {
        return !mirrors.isEmpty() && mirrors.stream().allMatch(PrefixMirror::isLive);
    }

    /** The lowest revision the prefixes are known to be current at; while {@link #isStale()}, the cache file's. */
    @Override
    public long revision() {
        long stale = staleRevision;
        return stale != 0 ? stale : mirrors.stream().mapToLong(PrefixMirror::revision).min().orElse(0);
    }

    /** True while the values come from the cache file ({@code etcd.config.cache-file}) because etcd was not read yet. */
    @Override
    public boolean isStale() {
        return staleRevision != 0;
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
        closed = true;
        mirrors.forEach(PrefixMirror::close);
        listeners.clear();
        if (cache != null) {
            cache.stop(staleRevision == 0); // while serving the file, the snapshot is the file's own content
        }
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }

}
