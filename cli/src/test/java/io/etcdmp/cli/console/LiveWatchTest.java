package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.cli.core.ChangeRecords;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console's one watch per root survives etcd going away and compaction without multiplying or looping. */
@Timeout(120)
class LiveWatchTest {
    static final List<String> ROOTS = List.of("/config/", "/services/", ChangeRecords.DEFAULT_PREFIX);

    static long put(ToolConnection c, String key, String value) throws Exception {
        return c.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get().getHeader().getRevision();
    }

    @Test
    void anEtcdRestartLeavesExactlyOneWatchPerRoot() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().start()) {
            Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "5s");
            try (ToolConnection c = ToolConnection.open(settings); Live live = new Live(c, ROOTS)) {
                live.start();
                long first = put(c, "/config/a/x", "1");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.seen() >= first);
                for (int round = 0; round < 2; round++) {
                    int failuresBefore = live.failures();
                    etcd.stop(0);
                    await().atMost(Duration.ofSeconds(30)).until(() -> live.failures() > failuresBefore);
                    etcd.start(0);
                    etcd.awaitHealthy(Duration.ofSeconds(30));
                    long after = put(c, "/config/a/y", Integer.toString(round));
                    await().atMost(Duration.ofSeconds(30)).until(() -> live.seen() >= after);
                    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> live.watches() == ROOTS.size());
                }
            }
        }
    }

    @Test
    void aCompactedStartRevisionContinuesFromTheCurrentOneInsteadOfRetryingForever() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().start()) {
            Map<String, String> settings = Map.of(ToolConnection.ENDPOINTS, etcd.endpoints(), ToolConnection.REQUEST_TIMEOUT, "5s");
            try (ToolConnection c = ToolConnection.open(settings); Live live = new Live(c, ROOTS)) {
                live.start();
                long seen = put(c, "/config/a/x", "1");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.seen() >= seen);
                long last = 0;
                for (int i = 0; i < 5; i++) { // revisions the console does not watch, then compacted away
                    last = put(c, "/elsewhere/k", Integer.toString(i));
                }
                etcd.ctl().compact(last);
                live.watch("/config/", 2); // as after an interruption: from a revision etcd no longer has
                await().atMost(Duration.ofSeconds(10)).until(() -> live.failures() >= 1);
                long later = put(c, "/config/a/z", "2");
                await().atMost(Duration.ofSeconds(10)).until(() -> live.seen() >= later);
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> live.failures() == 1);
            }
        }
    }
}
