package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator's change of a record (the console's: {@code status} OUT_OF_SERVICE, a {@code weight}, written under
 * the record's own lease) sticks: the instance that owns the record does not write its old record over it, not
 * even when it claims its record again under a new lease after a failed keep-alive while the old lease (and with
 * it the operator's record) still lives. It ends when the operator reverts it or the instance registers afresh.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperatorChangeSticksTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    private static KeyValue record(RegistryFixture fixture) throws Exception {
        List<KeyValue> kvs = fixture.connection.client().getKVClient()
                .get(ByteSequence.from(KEY, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    private static ServiceInstance parsed(KeyValue kv) {
        return InstanceRecords.parse("orders", "orders-127.0.0.1-8080", kv.getValue().toString(StandardCharsets.UTF_8));
    }

    /** What the console writes: status and weight in our record's shape, same lease, on the revision read. */
    private static void operatorSets(RegistryFixture fixture, KeyValue kv, String status, String weight) throws Exception {
        JsonObject root = Json.createReader(new StringReader(kv.getValue().toString(StandardCharsets.UTF_8))).readObject();
        JsonObject meta = root.getJsonObject("Metadata");
        JsonObject changed = Json.createObjectBuilder(root).add("Metadata", Json.createObjectBuilder(meta).add("status", status)
                .add("metadata", Json.createObjectBuilder(meta.getJsonObject("metadata")).add("weight", weight))).build();
        fixture.connection.client().getKVClient().put(ByteSequence.from(KEY, StandardCharsets.UTF_8),
                ByteSequence.from(changed.toString(), StandardCharsets.UTF_8),
                PutOption.builder().withLeaseId(kv.getLease()).build()).get(10, TimeUnit.SECONDS);
    }

    private static SharedLease leaseOf(RecordKeeper keeper) throws Exception {
        Field f = RecordKeeper.class.getDeclaredField("lease");
        f.setAccessible(true);
        return (SharedLease) f.get(keeper);
    }

    @Test
    void aReclaimAfterALostKeepAliveKeepsTheOperatorsStatusAndWeight() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "5s")) {
            RecordKeeper keeper = (RecordKeeper) fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            KeyValue first = record(fixture);
            operatorSets(fixture, first, "OUT_OF_SERVICE", "3");
            long changedAt = record(fixture).getModRevision();

            // the keep-alive failed (no answer in time) while etcd still holds the lease: the keeper claims its
            // record again under a new lease; the record it finds is the operator's, at its own address
            leaseOf(keeper).lost(first.getLease(), "keep-alive got no answer (test)");
            await().atMost(Duration.ofSeconds(10)).until(() -> keeper.isRegistered() && keeper.heldLease() != first.getLease());

            KeyValue now = record(fixture);
            assertThat(now.getModRevision()).as("claimed again").isGreaterThan(changedAt);
            assertThat(now.getLease()).isEqualTo(keeper.heldLease());
            assertThat(parsed(now).status()).as("the operator's status").isEqualTo("OUT_OF_SERVICE");
            assertThat(parsed(now).weight()).as("the operator's weight").isEqualTo(3);
            assertThat(fixture.registry.choose("orders")).as("out of rotation").isEmpty();
        }
    }

    @Test
    void theOperatorRevertsAndAFreshRegistrationStartsClean() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "5s")) {
            RecordKeeper keeper = (RecordKeeper) fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            operatorSets(fixture, record(fixture), "OUT_OF_SERVICE", "3");
            operatorSets(fixture, record(fixture), "UP", "100"); // reverted
            KeyValue reverted = record(fixture);
            leaseOf(keeper).lost(reverted.getLease(), "keep-alive got no answer (test)");
            await().atMost(Duration.ofSeconds(10)).until(() -> keeper.isRegistered() && keeper.heldLease() != reverted.getLease());
            assertThat(parsed(record(fixture)).status()).isEqualTo("UP");
            keeper.close();
        }
        try (RegistryFixture restarted = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "5s")) {
            RegistryFixture fixture = restarted;
            fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            KeyValue kv = record(fixture);
            operatorSets(fixture, kv, "OUT_OF_SERVICE", "3");
            fixture.registry.close(); // the process stops; its lease is revoked with the record
        }
        try (RegistryFixture fresh = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "5s")) {
            fresh.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            assertThat(parsed(record(fresh)).status()).as("a restart registers afresh").isEqualTo("UP");
        }
    }

    @Test
    void anOperatorsRevertAfterAReclaimIsNotUndoneWhenTheRecordIsLostLater() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "5s")) {
            RecordKeeper keeper = (RecordKeeper) fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            KeyValue first = record(fixture);
            operatorSets(fixture, first, "OUT_OF_SERVICE", "3");
            leaseOf(keeper).lost(first.getLease(), "keep-alive got no answer (test)");
            await().atMost(Duration.ofSeconds(10)).until(() -> keeper.isRegistered() && keeper.heldLease() != first.getLease());
            assertThat(parsed(record(fixture)).status()).as("taken over").isEqualTo("OUT_OF_SERVICE");
            operatorSets(fixture, record(fixture), "UP", "100"); // the operator reverts
            long held = keeper.heldLease();
            fixture.connection.client().getLeaseClient().revoke(held).get(10, TimeUnit.SECONDS); // lease and record gone
            await().atMost(Duration.ofSeconds(30)).until(() -> keeper.isRegistered() && keeper.heldLease() != held
                    && record(fixture) != null);
            assertThat(parsed(record(fixture)).status()).as("the revert stays").isEqualTo("UP");
            assertThat(parsed(record(fixture)).weight()).isEqualTo(100);
        }
    }
}
