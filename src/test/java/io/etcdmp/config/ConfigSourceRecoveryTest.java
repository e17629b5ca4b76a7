package io.etcdmp.config;

import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The config source never stays stale: etcd restarts, changes made while the client's member was
 * down, and a compaction past the watch's revision all end with the snapshot equal to etcd and the
 * missed changes delivered as events.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConfigSourceRecoveryTest {
    private static final Duration RECOVERY = Duration.ofSeconds(20);
    private EtcdCluster etcd;
    private CdiApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void watchResumedByJetcdAfterSingleMemberRestartIsReplacedAndLaterWritesArrive() {
        etcd = EtcdCluster.start();
        etcd.ctl().put("/config/application/mode", "before");
        try (LogCapture log = LogCapture.everything()) {
            app = CdiApp.start(CdiApp.settings(etcd.endpoints()));
            EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
            await().atMost(RECOVERY).until(source::isLive);

            etcd.stop(0);
            assertThat(source.getValue("mode")).as("last known value is served while etcd is down").isEqualTo("before");
            etcd.start(0);
            etcd.ctl().put("/config/application/mode", "after");

            await().atMost(RECOVERY).until(() -> "after".equals(source.getValue("mode")));
            await().atMost(RECOVERY).until(source::isLive);
            // jetcd moves its resume point past events it has not delivered yet: the mirror watches again itself
            await().atMost(RECOVERY).until(() -> log.all().contains("was resumed by the client; watching again from revision"));
        }
    }

    @Test
    void changesMadeWhileTheClientsMemberWasStoppedArriveAfterItRestarts() {
        etcd = EtcdCluster.builder().members(3).start();
        Etcdctl others = Etcdctl.forEndpoints(etcd.endpoint(1) + "," + etcd.endpoint(2));
        etcd.ctl().put("/config/application/kept", "1");
        etcd.ctl().put("/config/application/changed", "old");
        etcd.ctl().put("/config/application/deleted", "soon gone");
        app = CdiApp.start(CdiApp.settings(etcd.endpoint(0)));
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
        source.addChangeListener(events::add);

        etcd.stop(0);
        others.put("/config/application/changed", "new");
        others.del("/config/application/deleted");
        others.put("/config/application/added", "fresh");
        etcd.start(0);

        await().atMost(RECOVERY).until(() -> source.getProperties().equals(etcdContent(etcd.ctl())));
        assertThat(source.getProperties()).containsEntry("changed", "new").containsEntry("added", "fresh")
                .containsEntry("kept", "1").doesNotContainKey("deleted");
        await().atMost(RECOVERY).until(() -> changedNames(events).containsAll(List.of("changed", "deleted", "added")));
    }

    @Test
    void compactionPastTheWatchRevisionWhileDisconnectedEndsWithCorrectSnapshotAndMissedEvents() {
        etcd = EtcdCluster.builder().members(3).start();
        Etcdctl others = Etcdctl.forEndpoints(etcd.endpoint(1) + "," + etcd.endpoint(2));
        etcd.ctl().put("/config/application/a", "1");
        etcd.ctl().put("/config/application/b", "1");
        etcd.ctl().put("/config/application/c", "1");
        app = CdiApp.start(CdiApp.settings(etcd.endpoint(0)));
        EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
        long watchedFrom = source.revision();
        List<ConfigChangeEvent> events = new CopyOnWriteArrayList<>();
        source.addChangeListener(events::add);

        etcd.stop(0);
        others.put("/config/application/a", "2");
        others.put("/config/application/a", "3");
        others.del("/config/application/b");
        others.put("/config/application/d", "new");
        long latest = others.revision();
        others.compact(latest);
        assertThat(latest).isGreaterThan(watchedFrom + 1);
        etcd.start(0);

        await().atMost(RECOVERY).until(() -> source.getProperties().equals(etcdContent(etcd.ctl())));
        assertThat(source.getProperties()).isEqualTo(Map.of("a", "3", "c", "1", "d", "new"));
        await().atMost(RECOVERY).until(() -> changedNames(events).containsAll(List.of("a", "b", "d")));
        ConfigChange a = lastChange(events, "a");
        assertThat(a.newValue()).contains("3");
        assertThat(lastChange(events, "b").newValue()).isEmpty();
        assertThat(lastChange(events, "b").oldValue()).contains("1");
        assertThat(events.stream().mapToLong(ConfigChangeEvent::revision).toArray()).isSorted();

        others.put("/config/application/after", "compaction");
        await().atMost(RECOVERY).until(() -> "compaction".equals(source.getValue("after")));
        assertThat(source.isLive()).isTrue();
    }

    static Map<String, String> etcdContent(Etcdctl ctl) {
        Map<String, String> raw = ctl.getPrefix("/config/application/");
        Map<String, String> out = new java.util.HashMap<>();
        raw.forEach((k, v) -> out.put(k.substring("/config/application/".length()).replace('/', '.'), v));
        return out;
    }

    private static List<String> changedNames(List<ConfigChangeEvent> events) {
        return events.stream().flatMap(e -> e.names().stream()).toList();
    }

    private static ConfigChange lastChange(List<ConfigChangeEvent> events, String name) {
        Optional<ConfigChange> last = Optional.empty();
        for (ConfigChangeEvent e : events) {
            if (e.changes().containsKey(name)) {
                last = Optional.of(e.changes().get(name));
            }
        }
        return last.orElseThrow(() -> new AssertionError("no change event for " + name + " in " + events));
    }
}
