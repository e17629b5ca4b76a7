package io.etcdmp.internal.registry;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A config report's rewrite that reaches etcd while the registration closes: the close deletes the record it
 * knew (the old value: refused, the record changed), so the rewrite, seeing the close when its answer comes,
 * deletes what it wrote; the shared lease lives on (another registration holds it), so nothing else would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportWriteAtCloseTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aReportWriteAnsweredAfterTheCloseDeletesTheRecordItWrote() throws Exception {
        AtomicBoolean holdNext = new AtomicBoolean();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> method.equals("txn")
                        ? holding(real.txn(), holdNext, held, release) : ScriptedClient.PASS)))) {
            EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection,
                    RegistrySettings.from(name -> Optional.ofNullable(Map.of("etcd.registry.report-interval", "200ms").get(name)), Map.of()));
            RecordReportTest.Applied applied = new RecordReportTest.Applied(5);
            Registration leaving = registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            Registration staying = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));

            holdNext.set(true);
            applied.change(6); // the report's rewrite: it reaches etcd, its answer is held
            assertThat(held.await(10, TimeUnit.SECONDS)).as("the rewrite was sent").isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> etcd.ctl().get(leaving.key()).orElse("").contains("\"configRevision\":\"6\""));
            leaving.close();
            release.countDown();

            await("the record of the closed registration").atMost(Duration.ofSeconds(10))
                    .until(() -> etcd.ctl().get(leaving.key()).isEmpty());
            assertThat(staying.isRegistered()).isTrue();
            assertThat(etcd.ctl().get(staying.key())).isPresent();
            registry.close();
        }
    }

    /** A transaction whose answer, when {@code holdNext} is set, waits for {@code release} (the write lands at once). */
    private static Txn holding(Txn real, AtomicBoolean holdNext, CountDownLatch held, CountDownLatch release) {
        Txn[] self = new Txn[1];
        self[0] = ScriptedClient.intercept(Txn.class, real, (method, args) -> {
            switch (method) {
                case "If" -> real.If((io.etcd.jetcd.op.Cmp[]) args[0]);
                case "Then" -> real.Then((io.etcd.jetcd.op.Op[]) args[0]);
                case "Else" -> real.Else((io.etcd.jetcd.op.Op[]) args[0]);
                case "commit" -> {
                    CompletableFuture<TxnResponse> answer = real.commit();
                    if (!holdNext.compareAndSet(true, false)) {
                        return answer;
                    }
                    held.countDown();
                    return answer.thenApplyAsync(r -> {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return r;
                    });
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
