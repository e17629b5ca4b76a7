package io.etcdmp.registry;

import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.testing.SharedEtcd;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The drain's rewrite keeps the record's registration time (issue 20, defect 12), against a real etcd. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrainKeepsRegistrationTimeTest {
    private static final String KEY = "/services/billing/b-1";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void theDrainingRecordSaysWhenTheInstanceRegisteredNotWhenItBeganToDrain() throws Exception {
        try (EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(
                name.equals("etcd.endpoints") ? etcd.endpoints() : null)));
             EtcdServiceRegistry registry = new EtcdServiceRegistry(connection, RegistrySettings.from(name -> Optional.empty(), Map.of()))) {
            Registration registration = registry.register(new ServiceInstance("billing", "b-1", "127.0.0.1", 8080, "http",
                    Map.of(), Optional.empty()));
            JsonObject registered = record();
            String registeredAt = registered.getJsonObject("Metadata").getString("registeredAt");

            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> registration.drain(Duration.ofSeconds(5)));
            await().atMost(Duration.ofSeconds(10)).until(() -> "DRAINING".equals(status()));
            assertThat(record().getJsonObject("Metadata").getString("registeredAt")).isEqualTo(registeredAt);
            assertThat(drained).isNotDone();
            drained.get(20, TimeUnit.SECONDS); // a failure of the drain thread fails the test here
            assertThat(etcd.ctl().get(KEY)).isEmpty();
        }
    }

    private static JsonObject record() {
        String value = etcd.ctl().get(KEY).orElseThrow();
        return Json.createReader(new StringReader(value)).readObject();
    }

    private static String status() {
        return etcd.ctl().get(KEY).map(v -> Json.createReader(new StringReader(v)).readObject()
                .getJsonObject("Metadata").getString("status", "")).orElse("");
    }
}
