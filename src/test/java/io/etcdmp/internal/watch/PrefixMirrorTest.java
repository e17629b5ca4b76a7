package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.watch.PrefixMirror;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedKeyspace;
import io.etcdmp.support.ScriptedWatch;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mirror against a scripted watch and an in-memory keyspace (no etcd): what it reports, and when it
 * re-reads or watches again. The behaviour against real etcd is in ConfigSourceRecoveryTest and the fault suite.
 */
@Tag("unit")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PrefixMirrorTest {
    private final ScriptedKeyspace keyspace = new ScriptedKeyspace();
    private final ScriptedWatch watch = new ScriptedWatch();
    private final EtcdConnection connection = EtcdConnections.borrow(ScriptedClient.offline(keyspace.kv(), watch),
            EtcdSettings.from(name -> Optional.empty()));
    private final List<String> seen = new ArrayList<>();
    private final PrefixMirror mirror = new PrefixMirror(connection, bytes("/p/"), (changes, revision) -> {
        synchronized (seen) {
            changes.forEach(c -> seen.add(text(c.key()) + (c.isDelete() ? " deleted" : "=" + text(c.value())) + "@" + revision));
        }
    });

    @AfterEach
    void close() {
        mirror.close();
        connection.close();
    }

    @Test
    void aLoadReportsEveryKeyAndTheWatchStartsAfterTheReadRevision() throws Exception {
        keyspace.put("/p/a", "1");
        keyspace.put("/q/other", "x");
        long read = mirror.load(0);
        mirror.watchFrom(read + 1);
        assertThat(seen()).containsExactly("/p/a=1@3");
        assertThat(watch.openOn(bytes("/p/")).option.getRevision()).isEqualTo(4);
    }

    @Test
    void aWatchTheClientClosesIsReplacedByAReReadWhoseDifferenceIncludesDeletes() throws Exception {
        keyspace.put("/p/a", "1");
        keyspace.put("/p/b", "1");
        mirror.watchFrom(mirror.load(0) + 1);
        ScriptedWatch.ScriptedWatcher first = watch.openOn(bytes("/p/"));
        keyspace.delete("/p/b"); // changes the watch never delivered
        keyspace.put("/p/c", "2");
        first.fail(Status.FAILED_PRECONDITION.asRuntimeException(), false, () -> { });
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.openOn(bytes("/p/")) != null);
        assertThat(seen()).as("each read reported at its revision").containsExactly("/p/a=1@3", "/p/b=1@3", "/p/c=2@5", "/p/b deleted@5");
        assertThat(watch.openOn(bytes("/p/")).option.getRevision()).isEqualTo(6);
        assertThat(mirror.revision()).isEqualTo(5);
    }

    @Test
    void aCompactedStartRevisionLeadsToAReReadAtTheCurrentRevision() throws Exception {
        mirror.watchFrom(mirror.load(0) + 1);
        keyspace.put("/p/a", "1");
        watch.openOn(bytes("/p/")).fail(EtcdExceptionFactory.newCompactedException(2), false, () -> { });
        await().atMost(Duration.ofSeconds(5)).until(() -> seen().contains("/p/a=1@2"));
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.openOn(bytes("/p/")) != null
                && watch.openOn(bytes("/p/")).option.getRevision() == 3);
    }

    @Test
    void aWatchTheClientResumedIsReplacedByOneFromTheRevisionAfterTheLastReceived() throws Exception {
        mirror.watchFrom(mirror.load(0) + 1);
        ScriptedWatch.ScriptedWatcher first = watch.openOn(bytes("/p/"));
        first.send(keyspace.created());
        first.send(keyspace.put("/p/a", "1"));
        keyspace.put("/p/b", "2"); // made while the stream was down: jetcd's resume point may already be past it
        first.send(keyspace.created()); // jetcd re-created the watch
        await().atMost(Duration.ofSeconds(5)).until(first::isClosed);
        ScriptedWatch.ScriptedWatcher second = watch.openOn(bytes("/p/"));
        assertThat(second.option.getRevision()).as("from the revision after the last event received").isEqualTo(3);
        assertThat(seen()).containsExactly("/p/a=1@2");
        assertThat(mirror.isLive()).isFalse();
        second.send(keyspace.created());
        assertThat(mirror.isLive()).isTrue();
    }

    @Test
    void aWatchRefusedForPermissionIsReReadWithBackoffInsteadOfLeftToTheClientsRetries() throws Exception {
        mirror.watchFrom(mirror.load(0) + 1);
        ScriptedWatch.ScriptedWatcher first = watch.openOn(bytes("/p/"));
        first.fail(Status.PERMISSION_DENIED.withDescription("etcdserver: permission denied").asRuntimeException(), true, () -> { });
        await("the refused watch is closed, not resumed").atMost(Duration.ofSeconds(5)).until(first::isClosed);
        await("a new watch after the re-read").atMost(Duration.ofSeconds(5)).until(() -> watch.openOn(bytes("/p/")) != null);
        assertThat(watch.openedCount()).isEqualTo(2);
    }

    @Test
    void eventsAlreadyAppliedAreNotReportedTwice() throws Exception {
        mirror.watchFrom(mirror.load(0) + 1);
        ScriptedWatch.ScriptedWatcher first = watch.openOn(bytes("/p/"));
        var put = keyspace.put("/p/a", "1");
        first.send(put);
        first.send(put);
        assertThat(seen()).containsExactly("/p/a=1@2");
    }

    private List<String> seen() {
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
