package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The config revision a self-registered record publishes ({@code configRevision}, {@code configStale}): written
 * when it changes, never when nothing did, at most once per {@code etcd.registry.report-interval}, never with 0.
 * The applied config is a test double here (what the config sources would say); the record is a real etcd's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RecordReportTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    /** What the config sources would report, set by the test. */
    static final class Applied implements AppliedConfig {
        volatile long revision;
        volatile boolean stale;
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        Applied(long revision) {
            this.revision = revision;
        }

        @Override
        public long revision() {
            return revision;
        }

        @Override
        public boolean stale() {
            return stale;
        }

        @Override
        public AutoCloseable onChange(Runnable changed) {
            listeners.add(changed);
            return () -> listeners.remove(changed);
        }

        void change(long newRevision) {
            revision = newRevision;
            listeners.forEach(Runnable::run);
        }
    }

    private static KeyValue record(RegistryFixture fixture) throws Exception {
        List<KeyValue> kvs = fixture.connection.client().getKVClient()
                .get(ByteSequence.from(KEY, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    private static ServiceInstance published(RegistryFixture fixture) throws Exception {
        KeyValue kv = record(fixture);
        return kv == null ? null : InstanceRecords.parse("orders", "orders-127.0.0.1-8080", kv.getValue().toString(StandardCharsets.UTF_8));
    }

    @Test
    void theRecordSaysTheAppliedRevisionFromTheFirstWriteAndANewOneWithinTheInterval() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "500ms")) {
            Applied applied = new Applied(41);
            Registration self = fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            assertThat(self.isRegistered()).isTrue();
            assertThat(published(fixture).configRevision()).hasValue(41);
            assertThat(published(fixture).configStale()).isFalse();
            applied.change(57);
            await().atMost(Duration.ofMillis(1500)).untilAsserted(() -> assertThat(published(fixture).configRevision()).hasValue(57));
            applied.stale = true; // no event for staleness: the interval's check finds it
            await().atMost(Duration.ofMillis(1500)).untilAsserted(() -> assertThat(published(fixture).configStale()).isTrue());
            assertThat(published(fixture).registeredAt()).isPresent();
        }
    }

    @Test
    void noWriteWhenNothingChanged() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "300ms")) {
            Applied applied = new Applied(41);
            fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            long modRevision = record(fixture).getModRevision();
            applied.change(41); // an event that changes nothing the record says
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                    .until(() -> record(fixture).getModRevision() == modRevision);
            assertThat(record(fixture).getVersion()).as("writes of the record").isEqualTo(1);
        }
    }

    @Test
    void intervalZeroWritesNothing() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "0")) {
            Applied applied = new Applied(41);
            RecordKeeper self = (RecordKeeper) fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            assertThat(published(fixture).metadata()).doesNotContainKeys(ServiceInstance.CONFIG_REVISION, ServiceInstance.CONFIG_STALE);
            applied.change(42);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> record(fixture).getVersion() == 1);
            assertThat(published(fixture).configRevision()).isEmpty();
            assertThat(applied.listeners).as("no subscription when off").isEmpty();
            assertThat(self.reportWrites()).isZero();
        }
    }

    @Test
    void twentyChangesWithinOneIntervalGiveAtMostTwoWrites() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "3s")) {
            Applied applied = new Applied(100);
            RecordKeeper self = (RecordKeeper) fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            long before = record(fixture).getVersion();
            long start = System.nanoTime();
            for (int i = 1; i <= 20; i++) {
                applied.change(100 + i);
            }
            assertThat(System.nanoTime() - start).as("the 20 changes came within one interval").isLessThan(Duration.ofSeconds(3).toNanos());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published(fixture).configRevision()).hasValue(120));
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> published(fixture).configRevision().getAsLong() == 120);
            assertThat(record(fixture).getVersion() - before).as("record writes for 20 changes").isBetween(1L, 2L);
            assertThat(self.reportWrites()).isBetween(1, 2);
        }
    }

    @Test
    void theDrainKeepsTheReportAndTheReportKeepsTheDrain() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "300ms")) {
            Applied applied = new Applied(7);
            Registration self = fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            applied.change(8);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published(fixture).configRevision()).hasValue(8));
            Thread drain = new Thread(() -> self.drain(Duration.ofSeconds(3)));
            drain.start();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published(fixture).status()).isEqualTo("DRAINING"));
            assertThat(published(fixture).configRevision()).hasValue(8);
            drain.join(10_000);
            assertThat(record(fixture)).isNull();
        }
    }

    @Test
    void anOperatorsChangeIsKeptAndTheNewConfigRevisionIsWrittenIntoIt() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "300ms")) {
            Applied applied = new Applied(7);
            fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            KeyValue ours = record(fixture);
            ServiceInstance mine = published(fixture);
            java.util.Map<String, String> down = new java.util.TreeMap<>(mine.metadata());
            down.put(ServiceInstance.STATUS, "DOWN");
            down.put(ServiceInstance.WEIGHT, "7");
            String operators = InstanceRecords.toJson(mine.withMetadata(down));
            fixture.connection.client().getKVClient().put(ByteSequence.from(KEY, StandardCharsets.UTF_8), ByteSequence.from(operators, StandardCharsets.UTF_8),
                    io.etcd.jetcd.options.PutOption.builder().withLeaseId(ours.getLease()).build()).get(10, TimeUnit.SECONDS);
            applied.change(9);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published(fixture).configRevision()).hasValue(9));
            assertThat(published(fixture).status()).as("the operator's status").isEqualTo("DOWN");
            assertThat(published(fixture).weight()).as("the operator's weight").isEqualTo(7);
            assertThat(record(fixture).getLease()).isEqualTo(ours.getLease());
        }
    }

    @Test
    void anOperatorsRecordGetsOneGuardedWritePerReportChangeAndNoneBetween() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.report-interval", "300ms")) {
            Applied applied = new Applied(7);
            RecordKeeper self = (RecordKeeper) fixture.registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            java.lang.reflect.Field field = RecordKeeper.class.getDeclaredField("report");
            field.setAccessible(true);
            RecordReport report = (RecordReport) field.get(self);
            KeyValue ours = record(fixture);
            ServiceInstance mine = published(fixture);
            java.util.Map<String, String> out = new java.util.TreeMap<>(mine.metadata());
            out.put(ServiceInstance.STATUS, "OUT_OF_SERVICE");
            fixture.connection.client().getKVClient().put(ByteSequence.from(KEY, StandardCharsets.UTF_8),
                    ByteSequence.from(InstanceRecords.toJson(mine.withMetadata(out)), StandardCharsets.UTF_8),
                    io.etcd.jetcd.options.PutOption.builder().withLeaseId(ours.getLease()).build()).get(10, TimeUnit.SECONDS);
            applied.change(9);
            int tried = await().atMost(Duration.ofSeconds(5)).until(report::tries, n -> n >= 1); // compare failed, merged into theirs
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published(fixture).configRevision()).hasValue(9));
            // every 300 ms the interval's check runs; nothing of ours changed since: no txn
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> report.tries() == tried);
            applied.change(10); // what the record should say changed: one try (an operator may have reverted), then none
            await().atMost(Duration.ofSeconds(5)).until(() -> report.tries() == tried + 1);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> report.tries() == tried + 1);
            assertThat(published(fixture).status()).isEqualTo("OUT_OF_SERVICE");
            assertThat(published(fixture).configRevision()).hasValue(10);
            assertThat(self.reportWrites()).as("written into the operator's record, once per change").isEqualTo(2);
        }
    }
}
