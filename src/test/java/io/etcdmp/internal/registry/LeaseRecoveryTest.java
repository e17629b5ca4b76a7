package io.etcdmp.internal.registry;

import io.etcdmp.registry.Registration;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every way a lease is lost leads to a new registration; closing always leaves nothing behind. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LeaseRecoveryTest {
    private EtcdCluster etcd;

    @AfterEach
    void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void externallyRevokedLeaseLeadsToReRegistrationWithinOneTtl() {
        etcd = EtcdCluster.start();
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "4s")) {
            Registration registration = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long first = registration.leaseId().orElseThrow();
            etcd.ctl().leaseRevoke(first);
            long revoked = System.nanoTime();
            await().atMost(Duration.ofSeconds(4)).until(() -> etcd.ctl().get(registration.key()).isPresent()
                    && registration.leaseId().orElse(first) != first);
            assertThat(Duration.ofNanos(System.nanoTime() - revoked)).isLessThan(Duration.ofSeconds(4));
            assertThat(registration.reRegistrations()).isEqualTo(1);
            assertThat(etcd.ctl().leaseList()).containsExactly(registration.leaseId().orElseThrow());
        }
        assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
    }

    @Test
    void recordDeletedWhileItsLeaseLivesIsWrittenAgainUnderTheSameLease() {
        etcd = EtcdCluster.start();
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "30s")) {
            Registration registration = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long lease = registration.leaseId().orElseThrow();
            String record = etcd.ctl().get(registration.key()).orElseThrow();
            for (int round = 1; round <= 2; round++) { // once right after registering, once with the watch surely running
                etcd.ctl().delPrefix("/services/orders/");
                long deleted = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).until(() -> etcd.ctl().get(registration.key()).isPresent());
                System.out.printf("record restored %d ms after the delete%n", (System.nanoTime() - deleted) / 1_000_000);
                assertThat(etcd.ctl().get(registration.key())).contains(record);
                assertThat(registration.leaseId()).hasValue(lease);
                assertThat(((RecordKeeper) registration).restorations()).isEqualTo(round);
            }
            assertThat(registration.reRegistrations()).isZero();
            assertThat(etcd.ctl().leaseList()).containsExactly(lease);
        }
        assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
    }

    @Test
    void etcdDownLongerThanTheTtlLeadsToReRegistration() {
        etcd = EtcdCluster.start();
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "2s", "etcd.request-timeout", "1s")) {
            Registration registration = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long first = registration.leaseId().orElseThrow();
            etcd.stop(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !registration.isRegistered());
            etcd.start(0);
            await().atMost(Duration.ofSeconds(20)).until(() -> registration.isRegistered()
                    && registration.leaseId().orElse(first) != first);
            assertThat(etcd.ctl().get(registration.key())).isPresent();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(etcd.ctl().leaseList())
                    .as("leases in etcd; registration %s, %d re-registrations", registration, registration.reRegistrations())
                    .containsExactly(registration.leaseId().orElseThrow()));
        }
        assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
    }

    @Test
    void leaderKillInThreeMemberClusterDoesNotDropTheRegistration() throws Exception {
        etcd = EtcdCluster.builder().members(3).start();
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "3s");
             RegistryFixture watcher = new RegistryFixture(etcd.endpoints())) {
            Registration registration = fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            List<List<ServiceInstance>> changes = new ArrayList<>();
            watcher.registry.instances("orders");
            AutoCloseable watch = watcher.registry.watch("orders", list -> {
                synchronized (changes) {
                    changes.add(list);
                }
            });
            long lease = registration.leaseId().orElseThrow();
            etcd.kill(etcd.leader());
            int newLeader = etcd.leader();
            assertThat(newLeader).isGreaterThanOrEqualTo(0);
            // three keep-alive rounds after the election: the lease must be kept the whole time
            await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(registration::isRegistered);
            assertThat(registration.leaseId()).hasValue(lease);
            assertThat(registration.reRegistrations()).isZero();
            synchronized (changes) {
                assertThat(changes).as("the watcher never saw the instance leave").allSatisfy(list -> assertThat(list).hasSize(1));
            }
            assertThat(watcher.registry.instances("orders")).hasSize(1);
            watch.close();
        }
    }

    @Test
    void closingDuringReRegistrationLeavesNothingBehind() throws Exception {
        etcd = EtcdCluster.start();
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints(), "etcd.registry.ttl", "2s")) {
            for (int round = 0; round < 20; round++) {
                Registration registration = fixture.registry.register(ServiceInstance.of("racer", "127.0.0.1", 7000 + round));
                etcd.ctl().leaseRevoke(registration.leaseId().orElseThrow());
                if (round % 2 == 0) {
                    // close once the loss is noticed: the re-registration is scheduled or under way
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                            .until(() -> registration.reRegistrations() > 0);
                }
                registration.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> etcd.ctl().getPrefix("/services/racer/").isEmpty()
                    && etcd.ctl().leaseList().isEmpty());
            // and nothing comes back later: a late retry must not re-create a closed registration. Every retry a closed
            // registration may still have scheduled (the backoff's ceiling is half the TTL: 1 s here) runs on the
            // connection's scheduler before a task scheduled after it with that delay; the second round covers a retry
            // that ran during the first one (its etcd calls bounded by the request timeout)
            for (int round = 0; round < 2; round++) {
                fixture.connection.scheduler().schedule(() -> { }, 1001, TimeUnit.MILLISECONDS).get(30, TimeUnit.SECONDS);
            }
            assertThat(etcd.ctl().getPrefix("/services/racer/")).isEmpty();
            assertThat(etcd.ctl().leaseList()).isEmpty();
        }
    }
}
