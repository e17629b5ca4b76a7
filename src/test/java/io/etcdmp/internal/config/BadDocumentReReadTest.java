package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.MirrorListener;
import io.etcdmp.internal.watch.PrefixMirror;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A re-read (the mirror's resync) that meets a document breaking its parser (issue 20, defect 1): the prefix
 * is still read and watched afterwards, and a listener that throws an Error does not leave the mirror stuck.
 * A scripted keyspace and watch, no etcd.
 */
@Tag("unit")
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BadDocumentReReadTest {
    private final ScriptedKeyspace keyspace = new ScriptedKeyspace();
    private final ScriptedWatch watch = new ScriptedWatch();
    private final EtcdConnection connection = EtcdConnections.borrow(ScriptedClient.offline(keyspace.kv(), watch),
            EtcdSettings.from(name -> Optional.empty()));
    private final ConfigSnapshot snapshot = new ConfigSnapshot(List.of(bytes("/p/")), List.of("app.yaml"), (name, value) -> value);
    private PrefixMirror mirror;

    @AfterEach
    void close() {
        if (mirror != null) {
            mirror.close();
        }
        connection.close();
    }

    @Test
    void aReReadThatMeetsARecursiveDocumentAppliesThePlainKeysAndWatchesAgain() {
        keyspace.put("/p/app.yaml", "a: &x [*x]\n");
        keyspace.put("/p/color", "red");
        mirror = new PrefixMirror(connection, bytes("/p/"), new MirrorListener.Content() {
            @Override
            public void onReset(List<KeyValue> all, long revision) {
                snapshot.reset(0, all, false);
            }

            @Override
            public void onChanges(List<KeyChange> changes, long revision) {
                snapshot.apply(0, changes, false);
            }
        });
        mirror.startInBackground(); // the resync path: read at the current revision, then watch

        await("a watch after the re-read").atMost(Duration.ofSeconds(10)).until(() -> watch.openOn(bytes("/p/")) != null);
        assertThat(snapshot.lookup("color")).isEqualTo("red");
        ScriptedWatch.ScriptedWatcher watcher = watch.openOn(bytes("/p/"));
        watcher.send(keyspace.created());
        watcher.send(keyspace.put("/p/color", "blue"));
        assertThat(snapshot.lookup("color")).isEqualTo("blue");
        assertThat(mirror.isLive()).isTrue();
    }

    @Test
    void aListenerThatThrowsAnErrorDuringAReReadLeavesTheMirrorReReadingNotStuck() {
        keyspace.put("/p/color", "red");
        int[] resets = new int[1];
        mirror = new PrefixMirror(connection, bytes("/p/"), new MirrorListener.Content() {
            @Override
            public void onReset(List<KeyValue> all, long revision) {
                synchronized (resets) {
                    if (resets[0]++ == 0) {
                        throw new StackOverflowError("thrown by the test's listener");
                    }
                }
            }

            @Override
            public void onChanges(List<KeyChange> changes, long revision) {
            }
        });
        mirror.startInBackground();

        await("read again after the Error, then watched").atMost(Duration.ofSeconds(10))
                .until(() -> watch.openOn(bytes("/p/")) != null);
        synchronized (resets) {
            assertThat(resets[0]).isEqualTo(2);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
