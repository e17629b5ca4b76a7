package io.etcdmp.config;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ConfigStore#history} and {@link ConfigStore#rollback} against a real etcd, compaction included. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigHistoryTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");
    EtcdConnection connection;
    ConfigStore store;

    @BeforeEach
    void connect() {
        connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                Map.of("etcd.endpoints", etcd.endpoints()).get(name))));
        store = new EtcdConfigStore(connection, "/config/history/");
    }

    @AfterEach
    void disconnect() {
        connection.close();
    }

    @Test
    void historyListsEveryValueNewestFirstBackToTheCreation() {
        long r1 = store.saveConfig("db.url", "jdbc:one");
        long r2 = store.saveConfig("db.url", "jdbc:two");
        store.saveConfig("other", "noise");
        long r3 = store.saveConfig("db.url", "jdbc:three");

        ConfigHistory history = store.history("db.url");

        assertThat(history.entries()).extracting(ConfigHistory.Entry::modRevision).containsExactly(r3, r2, r1);
        assertThat(history.entries()).extracting(e -> e.value().orElseThrow()).containsExactly("jdbc:three", "jdbc:two", "jdbc:one");
        assertThat(history.entries()).extracting(ConfigHistory.Entry::version).containsExactly(3L, 2L, 1L);
        assertThat(history.end()).isEqualTo(ConfigHistory.End.CREATED);
        assertThat(history.complete()).isTrue();
    }

    @Test
    void historyOfAKeyWithoutValueIsEmptyAndSaysAbsent() {
        ConfigHistory history = store.history("never.written");
        assertThat(history.entries()).isEmpty();
        assertThat(history.end()).isEqualTo(ConfigHistory.End.ABSENT);
    }

    @Test
    void historyStopsAtTheCompactedRevisionAndSaysSoInsteadOfThrowing() {
        store.saveConfig("pool.size", "1");
        long r2 = store.saveConfig("pool.size", "2");
        long r3 = store.saveConfig("pool.size", "3");
        etcd.ctl().compact(r3);

        ConfigHistory history = store.history("pool.size");

        assertThat(history.entries()).extracting(ConfigHistory.Entry::modRevision).containsExactly(r3);
        assertThat(history.end()).isEqualTo(ConfigHistory.End.COMPACTED);
        assertThat(history.compactedRevision()).isEqualTo(r3 - 1).isGreaterThanOrEqualTo(r2);
        assertThat(history.complete()).isFalse();
    }

    @Test
    void historyStopsAtTheLimitAskedFor() {
        for (int i = 0; i < 5; i++) {
            store.saveConfig("counter", Integer.toString(i));
        }
        ConfigHistory history = store.history("counter", 2);
        assertThat(history.entries()).extracting(e -> e.value().orElseThrow()).containsExactly("4", "3");
        assertThat(history.end()).isEqualTo(ConfigHistory.End.LIMIT);
    }

    @Test
    void rollbackWritesTheOldValueAgainAndReturnsTheNewRevision() {
        long good = store.saveConfig("feature", "on");
        store.saveConfig("feature", "broken");

        Rollback rollback = store.rollback("feature", good);

        assertThat(rollback.done()).isTrue();
        assertThat(rollback.revision()).isGreaterThan(good);
        assertThat(etcd.ctl().get("/config/history/feature")).contains("on");
        assertThat(store.history("feature").entries().get(0).modRevision()).isEqualTo(rollback.revision());
    }

    @Test
    void rollbackIsRefusedWhenTheKeyChangedAfterTheCallerReadIt() {
        long good = store.saveConfig("feature", "on");
        store.saveConfig("feature", "broken");
        long seen = store.history("feature").entries().get(0).modRevision();
        etcd.ctl().put("/config/history/feature", "fixed by someone else");

        Rollback rollback = store.rollback("feature", good, seen);

        assertThat(rollback.outcome()).isEqualTo(Rollback.Outcome.CHANGED_SINCE_READ);
        assertThat(rollback.revision()).isZero();
        assertThat(rollback.reason()).contains("/config/history/feature").contains(Long.toString(seen));
        assertThat(etcd.ctl().get("/config/history/feature")).contains("fixed by someone else");
    }

    @Test
    void rollbackToACompactedRevisionIsRefusedAndSaysSo() {
        long old = store.saveConfig("feature", "on");
        long now = store.saveConfig("feature", "off");
        etcd.ctl().compact(now);

        Rollback rollback = store.rollback("feature", old);

        assertThat(rollback.outcome()).isEqualTo(Rollback.Outcome.COMPACTED);
        assertThat(rollback.reason()).contains("compacted revision " + old);
        assertThat(etcd.ctl().get("/config/history/feature")).contains("off");
    }

    @Test
    void rollbackToARevisionLaterThanEtcdsCurrentOneIsRefusedAsAFutureRevisionNotAsCompacted() {
        store.saveConfig("pool.size", "10");
        long current = etcd.ctl().revision();
        long future = current + 1000;

        Rollback rollback = store.rollback("pool.size", future);

        assertThat(rollback.outcome()).isEqualTo(Rollback.Outcome.FUTURE_REVISION);
        assertThat(rollback.revision()).isZero();
        assertThat(rollback.reason()).contains("/config/history/pool.size").contains("revision " + future)
                .contains("later than etcd's current revision " + current).doesNotContain("compacted");
        assertThat(etcd.ctl().get("/config/history/pool.size")).contains("10");
    }

    /** etcd reads revision 0 (and below) as "the current one": a rollback to it would write the current value and say it rolled back. */
    @Test
    void rollbackToRevisionZeroOrBelowIsRefusedNamingTheKeyAndNothingIsWritten() {
        store.saveConfig("pool.size", "10");
        long before = etcd.ctl().revision();

        for (long revision : new long[] {0, -1}) {
            assertThatThrownBy(() -> store.rollback("pool.size", revision))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("/config/history/pool.size").hasMessageContaining("revision " + revision);
        }
        assertThat(etcd.ctl().revision()).as("nothing written").isEqualTo(before);
    }

    @Test
    void rollbackToARevisionWhereTheKeyHadNoValueIsRefused() {
        long before = store.saveConfig("unrelated", "x");
        store.saveConfig("late.key", "v");

        Rollback rollback = store.rollback("late.key", before);

        assertThat(rollback.outcome()).isEqualTo(Rollback.Outcome.NO_VALUE_AT_REVISION);
        assertThat(etcd.ctl().get("/config/history/late.key")).contains("v");
    }
}
