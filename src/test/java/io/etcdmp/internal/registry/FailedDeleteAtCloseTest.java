package io.etcdmp.internal.registry;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 20, item 14: closing one registration while others keep the shared lease alive, and the delete of its
 * record fails (etcd briefly unreachable). The record must not stay until the last registration ends (the lease
 * it is under lives on): the delete is tried again until it succeeds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FailedDeleteAtCloseTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aRecordWhoseDeleteFailedAtCloseIsDeletedWhileTheSharedLeaseLivesOn() {
        AtomicInteger refuseCommits = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> method.equals("txn")
                        ? refusing(real.txn(), refuseCommits, refused) : ScriptedClient.PASS)))) {
            EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection,
                    RegistrySettings.from(name -> Optional.empty(), Map.of()));
            Registration leaving = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            Registration staying = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            long lease = staying.leaseId().orElseThrow();

            refuseCommits.set(1); // the delete made by close()
            leaving.close();
            assertThat(refused).as("transactions refused").hasValue(1);
            await("the record of the closed registration").atMost(Duration.ofSeconds(15))
                    .until(() -> etcd.ctl().get(leaving.key()).isEmpty());
            assertThat(staying.isRegistered()).isTrue();
            assertThat(etcd.ctl().get(staying.key())).isPresent();
            assertThat(etcd.ctl().leaseList()).as("the shared lease lives on").containsExactly(lease);
            registry.close();
        }
    }

    /** A transaction whose commit fails without reaching etcd while {@code refuse} is positive. */
    private static Txn refusing(Txn real, AtomicInteger refuse, AtomicInteger refused) {
        Txn[] self = new Txn[1];
        self[0] = ScriptedClient.intercept(Txn.class, real, (method, args) -> {
            switch (method) {
                case "If" -> real.If((io.etcd.jetcd.op.Cmp[]) args[0]);
                case "Then" -> real.Then((io.etcd.jetcd.op.Op[]) args[0]);
                case "Else" -> real.Else((io.etcd.jetcd.op.Op[]) args[0]);
                case "commit" -> {
                    if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        refused.incrementAndGet();
                        return CompletableFuture.<TxnResponse>failedFuture(Status.UNAVAILABLE
                                .withDescription("scripted: etcd unreachable").asRuntimeException());
                    }
                    return real.commit();
                }
                default -> {
                    return ScriptedClient.PASS;
                }
            }
            return self[0];
        });
        return self[0];
    }
}
