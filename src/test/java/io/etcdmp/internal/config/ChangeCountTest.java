package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;
import io.etcdmp.internal.watch.KeyChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code etcd.config.changes} (and the JFR event's count) counts the properties that changed, with or without
 * listeners: not every key of a whole re-read (a compaction's), not a put that wrote the value already held.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChangeCountTest {
    static final String PREFIX = "/count/app/";
    static final Map<String, String> ATTRIBUTES = Map.of(SourceMetrics.PREFIXES, PREFIX);

    private final ConfigSnapshot snapshot = new ConfigSnapshot(List.of(bytes(PREFIX)));
    private final ChangeEvents events = new ChangeEvents(snapshot, List.of(PREFIX));

    @Test
    void aWholeReReadOfTenThousandKeysWithOneChangedCountsOneWithoutListeners() {
        events.apply(List.of(whole(10_000, -1, 10)), 10, false, null); // the first load: not counted
        long before = Metrics.total(Metric.CONFIG_CHANGES, ATTRIBUTES);
        events.apply(List.of(whole(10_000, 42, 20)), 20, true, null); // a re-read after a compaction: key 42 changed
        assertThat(Metrics.total(Metric.CONFIG_CHANGES, ATTRIBUTES) - before).isEqualTo(1);
    }

    @Test
    void aPutOfTheValueAlreadyHeldCountsNothingAndARealChangeOne() {
        events.apply(List.of(whole(3, -1, 10)), 10, false, null);
        long before = Metrics.total(Metric.CONFIG_CHANGES, ATTRIBUTES);
        events.apply(List.of(changes(new KeyChange(bytes(PREFIX + "k1"), bytes("v1"), 11, 2))), 11, true, null);
        assertThat(Metrics.total(Metric.CONFIG_CHANGES, ATTRIBUTES) - before).as("same value written again").isZero();
        events.apply(List.of(changes(new KeyChange(bytes(PREFIX + "k1"), bytes("other"), 12, 3))), 12, true, null);
        assertThat(Metrics.total(Metric.CONFIG_CHANGES, ATTRIBUTES) - before).isEqualTo(1);
    }

    private static RevisionOrder.Batch changes(KeyChange change) {
        return new RevisionOrder.Batch(0, List.of(change), null, change.modRevision(), 0, System.nanoTime());
    }

    /** Keys k0..k(n-1) with values v0.., key {@code changed} with a different value. */
    private static RevisionOrder.Batch whole(int n, int changed, long revision) {
        List<KeyValue> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(new KeyValue(io.etcd.jetcd.api.KeyValue.newBuilder()
                    .setKey(com.google.protobuf.ByteString.copyFromUtf8(PREFIX + "k" + i))
                    .setValue(com.google.protobuf.ByteString.copyFromUtf8(i == changed ? "changed" : "v" + i))
                    .setModRevision(i == changed ? revision : 1).setVersion(1).build(), ByteSequence.EMPTY));
        }
        return new RevisionOrder.Batch(0, List.of(), all, revision, 0, System.nanoTime());
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
