package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The registrations of one registry share one lease and one record watch per service (one for the whole
 * registry beyond 16 services): what etcd holds grows with registries, not with registrations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SharedLeaseTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    private static List<Registration> registerMany(ServiceRegistry registry, int count, int services) {
        List<Registration> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(registry.register(ServiceInstance.of("svc-" + (i % services), "127.0.0.1", 7000 + i)));
        }
        return all;
    }

    /** Every record under /services/ with the lease it is attached to. */
    private static Map<String, Long> recordLeases(RegistryFixture fixture) throws Exception {
        ByteSequence root = ByteSequence.from("/services/", StandardCharsets.UTF_8);
        Map<String, Long> leases = new java.util.TreeMap<>();
        for (KeyValue kv : fixture.connection.client().getKVClient()
                .get(root, GetOption.builder().withRange(KeyRanges.prefixEnd(root)).build()).get(5, TimeUnit.SECONDS).getKvs()) {
            leases.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getLease());
        }
        return leases;
    }

    @Test
    void registrationsOfOneRegistryShareOneLeaseAndClosingTheLastRevokesIt() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "10s")) {
            List<Registration> all = registerMany(fixture.registry, 10, 3);
            long lease = all.get(0).leaseId().orElseThrow();
            assertThat(all).allSatisfy(r -> assertThat(r.leaseId()).hasValue(lease));
            assertThat(etcd.ctl().leaseList()).as("leases in etcd for 10 registrations").containsExactly(lease);
            assertThat(recordLeases(fixture)).hasSize(10).allSatisfy((key, id) -> assertThat(id).as(key).isEqualTo(lease));
            assertThat(fixture.registry.recordWatches()).as("record watches for 3 services").isEqualTo(3);

            all.get(0).close();
            assertThat(etcd.ctl().get(all.get(0).key())).as("the closed registration's record").isEmpty();
            assertThat(recordLeases(fixture)).as("the others' records").hasSize(9);
            assertThat(etcd.ctl().leaseList()).as("the lease, kept for the others").containsExactly(lease);
            assertThat(all.subList(1, 10)).allSatisfy(r -> assertThat(r.isRegistered()).isTrue());

            for (Registration r : all.subList(1, 10)) {
                r.close();
            }
            assertThat(etcd.ctl().getPrefix("/services/")).as("records after the last close").isEmpty();
            assertThat(etcd.ctl().leaseList()).as("leases after the last close").isEmpty();
            assertThat(fixture.registry.recordWatches()).as("record watches after the last close").isZero();
        }
    }

    @Test
    void losingTheSharedLeaseClaimsEveryRecordAgainUnderOneNewLease() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "4s")) {
            List<Registration> all = registerMany(fixture.registry, 12, 4);
            long first = all.get(0).leaseId().orElseThrow();
            etcd.ctl().leaseRevoke(first); // deletes all 12 records at once
            await("all 12 records back under a new lease").atMost(Duration.ofSeconds(8)).until(() -> {
                Map<String, Long> leases = recordLeases(fixture);
                return leases.size() == 12 && leases.values().stream().distinct().count() == 1
                        && !leases.containsValue(first) && all.stream().allMatch(Registration::isRegistered);
            });
            long second = all.get(0).leaseId().orElseThrow();
            assertThat(all).allSatisfy(r -> {
                assertThat(r.leaseId()).hasValue(second);
                assertThat(r.reRegistrations()).as("re-registrations of %s", r.key()).isEqualTo(1);
            });
            assertThat(recordLeases(fixture)).allSatisfy((key, id) -> assertThat(id).as(key).isEqualTo(second));
            assertThat(etcd.ctl().leaseList()).containsExactly(second);
        }
        assertThat(etcd.ctl().getPrefix("/services/")).as("records after the registry closed").isEmpty();
        assertThat(etcd.ctl().leaseList()).as("leases after the registry closed").isEmpty();
    }

    @Test
    void recordsOfManyServicesAreGuardedByOneWatchAndRestoredUnderTheSameLease() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "30s")) {
            List<Registration> all = registerMany(fixture.registry, 40, 20);
            long lease = all.get(0).leaseId().orElseThrow();
            assertThat(fixture.registry.recordWatches()).as("record watches for 20 services").isEqualTo(1);
            Map<String, String> records = etcd.ctl().getPrefix("/services/");
            assertThat(records).hasSize(40);

            etcd.ctl().delPrefix("/services/"); // a tool clearing the registry while the lease lives
            await("all 40 records written again").atMost(Duration.ofSeconds(10))
                    .until(() -> etcd.ctl().getPrefix("/services/").equals(records));
            assertThat(all).allSatisfy(r -> {
                assertThat(r.leaseId()).hasValue(lease);
                assertThat(r.reRegistrations()).isZero();
                assertThat(((RecordKeeper) r).restorations()).as("restorations of %s", r.key()).isEqualTo(1);
            });
            assertThat(etcd.ctl().leaseList()).containsExactly(lease);
        }
        assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
        assertThat(etcd.ctl().leaseList()).isEmpty();
    }

    @Test
    void twoRegistriesOnOneSharedConnectionHoldOneLeaseEach() {
        try (RegistryFixture a = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "10s");
             RegistryFixture b = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "10s")) {
            List<Registration> ofA = registerMany(a.registry, 3, 1);
            List<Registration> ofB = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ofB.add(b.registry.register(ServiceInstance.of("svc-0", "127.0.0.1", 8000 + i)));
            }
            assertThat(etcd.ctl().leaseList()).hasSize(2);
            a.close();
            assertThat(etcd.ctl().getPrefix("/services/")).as("b's records after a closed").hasSize(3);
            assertThat(etcd.ctl().leaseList()).containsExactly(ofB.get(0).leaseId().orElseThrow());
            assertThat(ofA).noneMatch(Registration::isRegistered);
        }
        assertThat(etcd.ctl().leaseList()).isEmpty();
    }
}
