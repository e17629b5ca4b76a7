package io.etcdmp.internal.registry;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Defect 5 of issue 20: one registry registering the same instance (same service and instance id) twice.
 * The rule: the second {@code register} is refused with an error naming the key, while the first is open;
 * the first keeps its record, and closing it leaves no watch behind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SameInstanceTwiceTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aSecondRegistrationOfTheSameInstanceIsRefusedAndTheFirstKeepsItsRecordAndLeavesNoWatch() {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            EtcdServiceRegistry registry = fixture.registry;
            ServiceInstance instance = ServiceInstance.of("orders", "127.0.0.1", 8080);
            Registration first = registry.register(instance);
            assertThat(first.key()).isEqualTo(KEY);
            EtcdMicroprofileException refusal = null;
            try {
                registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080)).close();
            } catch (EtcdMicroprofileException e) {
                refusal = e;
            }
            assertThat(first.isRegistered()).isTrue();
            assertThat(etcd.ctl().get(KEY)).as("the record of the first registration, which says it is registered").isPresent();
            assertThat(refusal).as("the second registration").isNotNull();
            assertThat(refusal).hasMessageContaining(KEY).hasMessageContaining("already registered");

            first.close();
            assertThat(etcd.ctl().get(KEY)).isEmpty();
            assertThat(registry.recordWatches()).as("record watches once the only registration closed").isZero();
            try (Registration again = registry.register(instance)) {
                assertThat(again.isRegistered()).as("registered again after the first was closed").isTrue();
            }
        }
    }
}
