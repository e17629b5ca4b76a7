package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registration that ends removes its record also when an operator changed it (the console's or etcdctl's rewrite
 * under the record's own lease): the record is still this registration's, and the shared lease lives on with the
 * registry's other registrations, so nothing else would remove it. A record at the same address under another lease
 * (this instance restarted) is left to its holder.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseAfterOperatorChangeTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void closeDeletesTheRecordAnOperatorChangedOnlyTheWeightOf() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            Registration leaving = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            Registration staying = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            operatorRewrites(fixture, "UP", "7");

            leaving.close();

            assertThat(etcd.ctl().get(KEY)).as("the stopped instance's record (else callers keep choosing it)").isEmpty();
            assertThat(etcd.ctl().get(staying.key())).isPresent();
        }
    }

    @Test
    void closeDeletesTheRecordAnOperatorPutWithoutTheLease() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            Registration leaving = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            etcd.ctl().put(KEY, etcd.ctl().get(KEY).orElseThrow().replace("\"UP\"", "\"OUT_OF_SERVICE\"")); // no --lease

            leaving.close();

            assertThat(etcd.ctl().get(KEY)).as("the record the lease no longer removes").isEmpty();
        }
    }

    @Test
    void theDrainAfterAnOperatorsOutOfServiceEndsWithTheRecordDeleted() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            Registration leaving = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            operatorRewrites(fixture, "OUT_OF_SERVICE", "3");

            leaving.drain(Duration.ofMillis(200));

            assertThat(etcd.ctl().get(KEY)).as("the drained instance's record").isEmpty();
        }
    }

    @Test
    void closeLeavesARecordAtTheSameAddressUnderAnotherLease() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            Registration leaving = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            String successor = etcd.ctl().get(KEY).orElseThrow().replace("\"UP\"", "\"UP\",\"restarted\":\"yes\"");
            long lease = etcd.ctl().leaseGrant(30); // the same instance, restarted: its record under its own lease
            etcd.ctl().run("put", KEY, successor, "--lease=" + Long.toHexString(lease));

            leaving.close();

            assertThat(etcd.ctl().get(KEY)).as("the restarted instance's record").hasValue(successor);
            etcd.ctl().leaseRevoke(lease);
        }
    }

    /** What an operator does with etcdctl: reads the record, sets status and weight, puts it back under its lease. */
    private static void operatorRewrites(RegistryFixture fixture, String status, String weight) throws Exception {
        KeyValue kv = fixture.connection.client().getKVClient().get(ByteSequence.from(KEY, StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getKvs().get(0);
        JsonObject root = Json.createReader(new StringReader(kv.getValue().toString(StandardCharsets.UTF_8))).readObject();
        JsonObject meta = root.getJsonObject("Metadata");
        JsonObject changed = Json.createObjectBuilder(root).add("Metadata", Json.createObjectBuilder(meta).add("status", status)
                .add("metadata", Json.createObjectBuilder(meta.getJsonObject("metadata")).add("weight", weight))).build();
        etcd.ctl().run("put", KEY, changed.toString(), "--lease=" + Long.toHexString(kv.getLease()));
    }
}
