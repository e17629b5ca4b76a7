package io.etcdmp.internal.watch;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedKeyspace;
import io.etcdmp.support.ScriptedWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20, item 14: etcd answers a watch request "created" with watch id -1 (it could not create the watch).
 * jetcd 0.8.7 then calls only {@code onError} ("etcd server failed to create watch id"): no {@code onCompleted},
 * no retry of its own, so that watch never delivers anything. The mirror re-reads the prefix and watches again.
 */
@Tag("unit")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WatchCreateRefusedTest {
    private final ScriptedKeyspace keyspace = new ScriptedKeyspace();
    private final ScriptedWatch watch = new ScriptedWatch();
    private final EtcdConnection connection = EtcdConnections.borrow(ScriptedClient.offline(keyspace.kv(), watch),
            EtcdSettings.from(name -> Optional.empty()));
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final PrefixMirror mirror = new PrefixMirror(connection, bytes("/p/"), (changes, revision) ->
            changes.forEach(c -> seen.add(c.key().toString(StandardCharsets.UTF_8) + "=" + c.value().toString(StandardCharsets.UTF_8))));

    @AfterEach
    void close() {
        mirror.close();
        connection.close();
    }

    @Test
    void aWatchEtcdCouldNotCreateIsReplacedAfterAReRead() throws Exception {
        mirror.watchFrom(mirror.load(0) + 1);
        ScriptedWatch.ScriptedWatcher refused = watch.openOn(bytes("/p/"));
        keyspace.put("/p/a", "1"); // a change the refused watch never delivers
        // what jetcd does for a "created" response with watch id -1: onError only (resumable: not closed by jetcd)
        refused.fail(EtcdExceptionFactory.newEtcdException(ErrorCode.INTERNAL, "etcd server failed to create watch id"), true, () -> { });

        await("the change made after the refused watch, brought by a re-read").atMost(Duration.ofSeconds(5))
                .until(() -> seen.contains("/p/a=1"));
        await("a new watch").atMost(Duration.ofSeconds(5)).until(() -> watch.openedCount() == 2 && refused.isClosed());
        assertThat(watch.openOn(bytes("/p/")).option.getRevision()).as("from the revision after the re-read").isEqualTo(3);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
