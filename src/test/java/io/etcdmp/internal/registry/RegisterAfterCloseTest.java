package io.etcdmp.internal.registry;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 20, item 14: {@code register()} racing the registry's {@code close()}. The keeper that a register call
 * creates after {@code close()} took its list of registrations is the one nobody closes; it starts on a closed
 * lease and guard. It must end at once (refused, closed, no retry scheduled) instead of retrying forever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegisterAfterCloseTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aKeeperStartedAfterItsRegistryClosedEndsAtOnceAndNeverRetries() {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            SharedLease lease = new SharedLease(fixture.connection, 10, "/services/");
            RecordGuard guard = new RecordGuard(fixture.connection, "/services/");
            guard.close(); // what EtcdServiceRegistry.close() does after closing the keepers it knows
            lease.close();
            AtomicBoolean ended = new AtomicBoolean();
            RecordKeeper late = new RecordKeeper(fixture.connection, "/services/", ServiceInstance.of("orders", "127.0.0.1", 8080),
                    lease, guard, keeper -> ended.set(true));

            Throwable refused = catchThrowable(late::start);
            assertThat(late.retries.isStopped()).as("no retry scheduled, now or later").isTrue();
            assertThat(refused).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("closed");
            assertThat(ended).as("the keeper ended (removed from its registry's list)").isTrue();
            assertThat(late.isRegistered()).isFalse();
            assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
        }
    }

    @Test
    void registeringOnAClosedRegistryIsRefused() {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            fixture.registry.close();
            assertThatThrownBy(() -> fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080)))
                    .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("closed");
            assertThat(etcd.ctl().getPrefix("/services/")).isEmpty();
        }
    }
}
