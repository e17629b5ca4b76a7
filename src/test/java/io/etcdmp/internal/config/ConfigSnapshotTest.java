package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.config.ConfigChange;
import io.etcdmp.internal.config.ConfigSnapshot;
import io.etcdmp.internal.watch.KeyChange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshot's bookkeeping of keys that map to one name (it keeps no key for the one-key case) and of
 * the looked-up values it hands to lookups. Pure data structure: the etcd behaviour is in ConfigSourceTest.
 */
@Tag("unit")
class ConfigSnapshotTest {
    private static final String APP = "/config/app/";
    private final ConfigSnapshot snapshot = new ConfigSnapshot(List.of(bytes("/config/application/"), bytes(APP)));

    @Test
    void secondKeyForANameWinsAndDeletingEitherLeavesTheOther() {
        snapshot.reset(1, whole(put("db/pool.size", "1", 10, 1)), false);
        snapshot.apply(1, List.of(put("db.pool.size", "2", 11, 1)), false);
        assertThat(snapshot.lookup("db.pool.size")).isEqualTo("2");
        snapshot.apply(1, List.of(put("db/pool.size", "3", 12, 2)), false);
        assertThat(snapshot.lookup("db.pool.size")).isEqualTo("3");
        snapshot.apply(1, List.of(delete("db/pool.size", 13)), false);
        assertThat(snapshot.lookup("db.pool.size")).isEqualTo("2");
        snapshot.apply(1, List.of(delete("db.pool.size", 14)), false);
        assertThat(snapshot.lookup("db.pool.size")).isNull();
    }

    @Test
    void deletingTheNewerKeyBringsBackTheOlderOne() {
        snapshot.reset(1, whole(put("a/b", "old", 10, 1)), false);
        snapshot.apply(1, List.of(put("a.b", "new", 11, 1)), false);
        snapshot.apply(1, List.of(delete("a.b", 12)), false);
        assertThat(snapshot.lookup("a.b")).isEqualTo("old");
        snapshot.apply(1, List.of(put("a/b", "older-updated", 13, 2)), false);
        assertThat(snapshot.lookup("a.b")).isEqualTo("older-updated");
        assertThat(snapshot.names()).containsExactly("a.b");
    }

    @Test
    void laterPrefixWinsAndResetReportsWhatChanged() {
        snapshot.reset(0, whole(put0("x", "shared", 5)), false);
        snapshot.reset(1, whole(put("x", "own", 6, 1), put("y", "1", 6, 1)), false);
        assertThat(snapshot.lookup("x")).isEqualTo("own");
        Map<String, ConfigChange> changed = snapshot.reset(1, whole(put("y", "2", 9, 2)), true);
        assertThat(changed).containsOnlyKeys("x", "y");
        assertThat(snapshot.lookup("x")).isEqualTo("shared");
        assertThat(snapshot.lookup("y")).isEqualTo("2");
        assertThat(snapshot.copy()).isEqualTo(Map.of("x", "shared", "y", "2"));
    }

    @Test
    void valueThatBecomesUtf8AgainIsANewKey() {
        snapshot.reset(1, whole(put("k/v", "first", 10, 1)), false);
        snapshot.apply(1, List.of(new KeyChange(bytes(APP + "k.v"), ByteSequence.from(new byte[] {(byte) 0xc3, 0x28}), 11, 1)), false);
        assertThat(snapshot.lookup("k.v")).isEqualTo("first");
        snapshot.apply(1, List.of(put("k.v", "second", 12, 2)), false);
        assertThat(snapshot.lookup("k.v")).isEqualTo("second");
        snapshot.apply(1, List.of(delete("k.v", 13)), false);
        assertThat(snapshot.lookup("k.v")).isEqualTo("first");
    }

    @Test
    void lookupValueIsMadeOnceAndDroppedWhenItsPropertyChanges() {
        List<String> made = new java.util.ArrayList<>();
        ConfigSnapshot counted = new ConfigSnapshot(List.of(bytes(APP)), List.of(), (name, value) -> {
            made.add(name + "=" + value);
            return new StringBuilder(value); // a distinct object per form
        });
        counted.reset(0, whole(put("x", "1", 10, 1), put("y", "1", 10, 1)), false);
        Object first = counted.lookup("x");
        assertThat(first).hasToString("1");
        assertThat(counted.lookup("x")).isSameAs(first);
        assertThat(counted.lookup("absent")).isNull();
        counted.apply(0, List.of(put("x", "2", 11, 2)), false);
        assertThat(counted.lookup("x")).hasToString("2");
        counted.apply(0, List.of(delete("x", 12)), false);
        assertThat(counted.lookup("x")).isNull();
        assertThat(made).containsExactly("x=1", "x=2");
    }

    @Test
    void lookupValueOfALowerPrefixGivesWayWhenAHigherPrefixIsLoaded() {
        snapshot.reset(0, whole(put0("x", "shared", 5)), false);
        assertThat(snapshot.lookup("x")).isEqualTo("shared");
        snapshot.reset(1, whole(put("x", "own", 6, 1)), false);
        assertThat(snapshot.lookup("x")).isEqualTo("own");
        Map<String, ConfigChange> changed = snapshot.reset(1, whole(), true);
        assertThat(changed.get("x").newValue()).contains("shared");
        assertThat(snapshot.lookup("x")).isEqualTo("shared");
    }

    /** Every key of a prefix as a read returns them. */
    private static List<KeyValue> whole(KeyChange... puts) {
        List<KeyValue> all = new java.util.ArrayList<>();
        for (KeyChange put : puts) {
            all.add(new KeyValue(io.etcd.jetcd.api.KeyValue.newBuilder()
                    .setKey(com.google.protobuf.ByteString.copyFrom(put.key().getBytes()))
                    .setValue(com.google.protobuf.ByteString.copyFrom(put.value().getBytes()))
                    .setModRevision(put.modRevision()).setVersion(put.version()).build(), ByteSequence.EMPTY));
        }
        return all;
    }

    private static KeyChange put(String key, String value, long revision, long version) {
        return new KeyChange(bytes(APP + key), bytes(value), revision, version);
    }

    private static KeyChange put0(String key, String value, long revision) {
        return new KeyChange(bytes("/config/application/" + key), bytes(value), revision, 1);
    }

    private static KeyChange delete(String key, long revision) {
        return new KeyChange(bytes(APP + key), null, revision, 0);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
