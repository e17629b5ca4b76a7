package io.etcdmp.stork;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.testing.LocalEtcd;
import io.smallrye.stork.api.Metadata;
import io.smallrye.stork.api.Service;
import io.smallrye.stork.api.ServiceRegistrar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Stork's registrar of type etcd writing through the library's registry: the same record, under the same lease. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdServiceRegistrarTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/stork-test-nothing/").start();

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern LEASE = Pattern.compile("\"lease\":(\\d+)");

    @AfterEach
    void stop() {
        StorkServices.stop();
    }

    @Test
    void registersTheRegistrysRecordUnderTheRegistrysLeaseAndDeregistersIt() {
        Service orders = StorkServices.start(Map.of(), Map.of(), "orders-reg").getService("orders-reg");
        orders.registerInstance(new ServiceRegistrar.RegistrarOptions("orders-reg", "127.0.0.1", 9031, List.of("blue"),
                Map.of("zone", "eu-1", "version", "3"))).await().atMost(WAIT);

        String key = "/services/orders-reg/" + ServiceInstance.defaultId("orders-reg", "127.0.0.1", 9031);
        assertThat(etcd.get(key)).hasValueSatisfying(value -> assertThat(value)
                .contains("\"Addr\":\"127.0.0.1:9031\"").contains("\"zone\":\"eu-1\"").contains("\"version\":\"3\"")
                .contains("\"tags\":\"blue\""));
        assertThat(leaseOf(key)).isNotZero().isIn(etcd.ctl().leaseList()); // under a lease, as the registry registers
        List<ServiceInstance> seen = ProcessRegistry.get("a test").instances("orders-reg");
        await().atMost(WAIT).until(() -> ProcessRegistry.get("a test").instances("orders-reg").size() == 1);
        assertThat(seen.isEmpty() ? ProcessRegistry.get("a test").instances("orders-reg") : seen).singleElement()
                .satisfies(i -> assertThat(i.metadata()).containsEntry("zone", "eu-1"));
        // and Stork's own discovery of type etcd finds what its registrar registered
        assertThat(orders.getInstances().await().atMost(WAIT)).singleElement()
                .satisfies(i -> assertThat(i.getPort()).isEqualTo(9031));

        orders.deregisterServiceInstance("orders-reg").await().atMost(WAIT);
        assertThat(etcd.get(key)).isEmpty();
    }

    @Test
    void storkMetadataNamesTheInstanceIdZoneAndWeight() {
        Service orders = StorkServices.start(Map.of(), Map.of(), "orders-meta").getService("orders-meta");
        @SuppressWarnings("unchecked")
        ServiceRegistrar<EtcdMetadataKey> registrar = orders.getServiceRegistrar();
        registrar.registerServiceInstance("orders-meta", Metadata.of(EtcdMetadataKey.class)
                .with(EtcdMetadataKey.META_ETCD_INSTANCE_ID, "orders-1").with(EtcdMetadataKey.META_ETCD_ZONE, "eu-2")
                .with(EtcdMetadataKey.META_ETCD_WEIGHT, 40), "127.0.0.1", 9032).await().atMost(WAIT);

        assertThat(etcd.get("/services/orders-meta/orders-1")).hasValueSatisfying(value -> assertThat(value)
                .contains("\"Addr\":\"127.0.0.1:9032\"").contains("\"zone\":\"eu-2\"").contains("\"weight\":\"40\""));
        registrar.deregisterServiceInstance("orders-meta").await().atMost(WAIT);
        assertThat(etcd.get("/services/orders-meta/orders-1")).isEmpty();
    }

    @Test
    void aSchemeOtherThanHttpOrHttpsIsAClearError() {
        assertThatThrownBy(() -> StorkServices.start(Map.of(), Map.of("scheme", "ftp"), "orders-bad"))
                .hasMessageContaining("orders-bad").hasMessageContaining("'ftp'");
    }

    private static long leaseOf(String key) {
        Matcher m = LEASE.matcher(etcd.ctl().run("get", key, "-w", "json"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
