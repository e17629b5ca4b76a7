package io.etcdmp.cdi;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CDI destroys the {@code ServiceRegistry} and {@code EtcdConnection} singletons in no fixed order. When
 * the connection bean goes first and held the last hold on the connection (the config source off, or on
 * other settings), the registry must still revoke its registrations before the connection closes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RegistryShutdownOrderTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void registrationsMadeThroughTheRegistryBeanAreRevokedEvenWhenTheConnectionBeanIsDestroyedFirst() {
        try (CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "etcd.config.enabled", "false",
                "etcd.registry.ttl", "30s"))) {
            ServiceRegistry registry = app.bean(ServiceRegistry.class);
            registry.register(ServiceInstance.of("worker", "127.0.0.1", 9400));
            assertThat(etcd.ctl().getPrefix("/services/worker/")).hasSize(1);
            destroyConnectionBean(app.container().getBeanManager());
        }
        assertThat(etcd.ctl().getPrefix("/services/worker/")).as("records right after shutdown").isEmpty();
        assertThat(etcd.ctl().leaseList()).as("leases right after shutdown").isEmpty();
    }

    /** The order a container may choose: the connection bean's instance destroyed before the registry's. */
    @SuppressWarnings("unchecked")
    private static void destroyConnectionBean(BeanManager beans) {
        Bean<EtcdConnection> bean = (Bean<EtcdConnection>) beans.resolve(beans.getBeans(EtcdConnection.class));
        EtcdConnection connection = (EtcdConnection) beans.getReference(bean, EtcdConnection.class, beans.createCreationalContext(bean));
        bean.destroy(connection, beans.createCreationalContext(bean));
    }
}
