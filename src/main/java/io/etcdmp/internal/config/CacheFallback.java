package io.etcdmp.internal.config;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.client.EtcdSettings;

import io.etcdmp.internal.metrics.FlightEvents;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The config source's last known good configuration ({@code etcd.config.cache-file}): kept in the file
 * while the source follows etcd, served from it while etcd cannot be read at start, until every prefix
 * has been read from etcd again.
 */
final class CacheFallback {
    private static final System.Logger LOG = System.getLogger(PrefixConfigSource.class.getName());

    private final CacheWriter writer;
    private final EtcdSettings etcd;
    /** While serving from the file: its revision; 0 once every prefix has been read from etcd. */
    private volatile long staleRevision;
    /** While serving from the file, per prefix: read from etcd since. */
    private boolean[] readSince = new boolean[0];

    CacheFallback(Path file, EtcdSettings etcd, java.util.function.Supplier<CacheFile.Content> content) {
        this.writer = new CacheWriter(file, content);
        this.etcd = etcd;
    }

    Path file() {
        return writer.file();
    }

    /** The source starts (again): it follows etcd, and its changes are written. */
    void resume() {
        staleRevision = 0;
        writer.resume();
    }

    /** The file's revision while the values come from it; 0 while they come from etcd. */
    long staleRevision() {
        return staleRevision;
    }

    /** Puts the file's configuration into {@code snapshot} because etcd could not be read ({@code failure}). */
    synchronized void serve(ConfigSnapshot snapshot, CacheFile.Content content, Exception failure) {
        for (int i = 0; i < content.properties().size(); i++) {
            snapshot.restore(i, content.properties().get(i), content.documents().get(i));
        }
        readSince = new boolean[content.properties().size()];
        staleRevision = Math.max(1, content.revision());
        Duration age = Duration.between(content.written(), Instant.now());
        FlightEvents.startedFromCache(String.join(",", content.prefixes()), content.revision());
        LOG.log(Level.WARNING, "etcd at {0} cannot be read now ({1}); serving the last known good configuration from "
                + "cache file {2}: revision {3}, written {4} ago ({5} properties). etcd is read again in the background, "
                + "and what changed meanwhile arrives as change events", etcd.endpointList(), EtcdFailures.describe(failure),
                file(), content.revision(), Math.max(0, age.toSeconds()) + " s", snapshot.names().size());
    }

    /** Batches applied at {@code revision}: once every prefix has been read whole from etcd, the values are current again. */
    synchronized void applied(List<RevisionOrder.Batch> batches, long revision) {
        if (staleRevision == 0) {
            return;
        }
        for (RevisionOrder.Batch batch : batches) {
            if (batch.whole() != null) {
                readSince[batch.index()] = true;
            }
        }
        for (boolean read : readSince) {
            if (!read) {
                return;
            }
        }
        LOG.log(Level.INFO, "etcd at {0} answered: configuration current at revision {1} again (it was served from cache "
                + "file {2} at revision {3}); the file is brought up to date", etcd.endpointList(), revision, file(), staleRevision);
        staleRevision = 0;
    }

    /** The snapshot changed: the file follows (not while the snapshot is the file's own content). */
    void changed(EtcdConnection connection) {
        if (staleRevision == 0 && connection != null) {
            writer.changed(connection);
        }
    }

    /** The source closes: the last state is written, unless the snapshot is the file's own content. */
    void stop() {
        writer.stop(staleRevision == 0);
    }

    /** What the file is to hold: {@code snapshot} at {@code revision}, its values decoded outside its lock. */
    static CacheFile.Content content(ConfigSnapshot snapshot, long revision, EtcdSettings etcd, List<String> prefixes) {
        List<Map<String, String>> plain = new ArrayList<>();
        List<Map<String, String>> documents = new ArrayList<>();
        for (int i = 0; i < prefixes.size(); i++) {
            Map<String, String> decoded = new HashMap<>();
            snapshot.plain(i).forEach((name, value) -> decoded.put(name, KeyNames.decode(value)));
            plain.add(decoded);
            documents.add(snapshot.documents(i));
        }
        return new CacheFile.Content(revision, Instant.now(), etcd.endpointList(), prefixes, plain, documents);
    }
}
