package io.etcdmp.internal.config;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.config.ConfigChange;
import io.etcdmp.internal.watch.KeyChange;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code ConfigStore.watchConfig} reports for the batches its key's mirror delivers: a watch response may hold
 * several revisions of the key (two quick writes, or events sent again after a reconnect), and the mirror hands them
 * over in one call. "Every later change" means one {@link ConfigChange} per change of value, in order.
 */
@Tag("unit")
@Timeout(10)
class KeyChangeReporterTest {
    private static final ByteSequence KEY = ByteSequence.from("/config/application/pool.size", StandardCharsets.UTF_8);

    private static KeyChange put(String value, long revision) {
        return new KeyChange(KEY, ByteSequence.from(value, StandardCharsets.UTF_8), revision);
    }

    @Test
    void twoRevisionsInOneBatchAreTwoChangesInOrderAndTheStartsValueIsNotReported() {
        List<ConfigChange> changes = new ArrayList<>();
        KeyChangeReporter reporter = new KeyChangeReporter("pool.size", changes::add, Runnable::run);
        reporter.onChanges(List.of(put("10", 2)), 2); // the start's read
        reporter.start();

        reporter.onChanges(List.of(put("20", 3), put("30", 4)), 4);
        reporter.onChanges(List.of(new KeyChange(KEY, null, 5), put("30", 6)), 6); // deleted, then put again

        assertThat(changes).extracting(ConfigChange::oldValue, ConfigChange::newValue).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Optional.of("10"), Optional.of("20")),
                org.assertj.core.groups.Tuple.tuple(Optional.of("20"), Optional.of("30")),
                org.assertj.core.groups.Tuple.tuple(Optional.of("30"), Optional.empty()),
                org.assertj.core.groups.Tuple.tuple(Optional.empty(), Optional.of("30")));
    }

    @Test
    void anEmptyBatchReportsNothingAndThrowsNothing() {
        List<ConfigChange> changes = new ArrayList<>();
        KeyChangeReporter reporter = new KeyChangeReporter("pool.size", changes::add, Runnable::run);
        reporter.start();

        reporter.onChanges(List.of(), 7);

        assertThat(changes).isEmpty();
    }
}
