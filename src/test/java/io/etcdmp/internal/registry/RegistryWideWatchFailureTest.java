package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Defect 3 of issue 20: when the switch to one watch on the whole registry prefix fails (its read times out,
 * or the user may not read the whole prefix), every service followed so far keeps being followed by its own
 * watch, and the service that asked is followed too.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RegistryWideWatchFailureTest {
    static final int SERVICES = 17; // one more than the old constant threshold of 16

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aFailedReadOfTheWholeRegistryLeavesEveryFollowedServiceWatched() throws Exception {
        for (int s = 0; s < SERVICES; s++) {
            etcd.ctl().put("/services/svc-" + s + "/a", "10.0.0." + s + ":80");
            etcd.ctl().put("/services/svc-" + s + "/b", "10.0.1." + s + ":80");
        }
        AtomicInteger refusedWholeReads = new AtomicInteger();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> {
                    if (method.equals("get") && args.length == 2 && wholeRegistryRead((ByteSequence) args[0], (GetOption) args[1])) {
                        refusedWholeReads.incrementAndGet();
                        return CompletableFuture.failedFuture(Status.DEADLINE_EXCEEDED
                                .withDescription("scripted: the whole registry is too slow to read").asRuntimeException());
                    }
                    return ScriptedClient.PASS;
                })), "etcd.request-timeout", "2s")) {
            EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection,
                    RegistrySettings.from(name -> Optional.empty(), Map.of()));
            List<Exception> refused = new ArrayList<>();
            for (int s = 0; s < SERVICES; s++) {
                try {
                    registry.instances("svc-" + s);
                } catch (EtcdMicroprofileException e) {
                    refused.add(e);
                }
            }
            assertThat(refusedWholeReads.get()).as("reads of the whole registry attempted and refused").isPositive();
            assertThat(registry.watchesWholeRegistry()).isFalse();

            etcd.ctl().put("/services/svc-0/c", "10.0.2.0:80");
            etcd.ctl().del("/services/svc-" + (SERVICES - 2) + "/a");
            await("svc-0, followed before the switch was tried, sees a new instance").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(registry.instances("svc-0")).extracting(ServiceInstance::instanceId)
                            .containsExactly("a", "b", "c"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(registry.instances("svc-" + (SERVICES - 2))).extracting(ServiceInstance::instanceId).containsExactly("b"));
            assertThat(registry.isWatchLive()).as("every followed service is watched").isTrue();
            assertThat(refused).as("follows refused because the whole registry could not be read").isEmpty();
            assertThat(registry.instances("svc-" + (SERVICES - 1))).hasSize(2);
            registry.close();
        }
    }

    /** A range read of all of {@code /services/} with values (a count-only request is not one). */
    private static boolean wholeRegistryRead(ByteSequence key, GetOption option) {
        return key.toString(StandardCharsets.UTF_8).equals("/services/") && !option.isCountOnly();
    }
}
