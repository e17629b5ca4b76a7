package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.LogCapture;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Deleting a registration's record when it ends: the retries after a failure, and the give-up on a record that keeps changing. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RecordRemovalTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";
    static final ByteSequence KEY_BYTES = ByteSequence.from(KEY, StandardCharsets.UTF_8);

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    /** Every txn commit, once armed, goes through {@code commit}: given the real txn's commit and the real KV. */
    private static ScriptedConnection scripted(AtomicReference<Function<Txn, CompletableFuture<TxnResponse>>> commit) {
        return ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real -> ScriptedClient.intercept(KV.class, real,
                (method, args) -> method.equals("txn") ? wrapped(real.txn(), commit) : ScriptedClient.PASS)));
    }

    private static Txn wrapped(Txn real, AtomicReference<Function<Txn, CompletableFuture<TxnResponse>>> commit) {
        Txn[] self = new Txn[1];
        self[0] = ScriptedClient.intercept(Txn.class, real, (method, args) -> {
            switch (method) {
                case "If" -> real.If((io.etcd.jetcd.op.Cmp[]) args[0]);
                case "Then" -> real.Then((io.etcd.jetcd.op.Op[]) args[0]);
                case "Else" -> real.Else((io.etcd.jetcd.op.Op[]) args[0]);
                case "commit" -> {
                    Function<Txn, CompletableFuture<TxnResponse>> script = commit.get();
                    return script == null ? real.commit() : script.apply(real);
                }
                default -> {
                    return ScriptedClient.PASS;
                }
            }
            return self[0];
        });
        return self[0];
    }

    private static EtcdServiceRegistry registry(ScriptedConnection scripted) {
        return new EtcdServiceRegistry(scripted.connection, RegistrySettings.from(name -> Optional.empty(), Map.of()));
    }

    /**
     * The close's delete fails (etcd unavailable) and is retried; by the retry, an operator has put a record at the
     * instance's address without a lease: that is a new record of the operator's, left, not the closed registration's.
     */
    @Test
    void aRetriedDeleteLeavesARecordPutWithoutALeaseAfterTheClose() throws Exception {
        AtomicReference<Function<Txn, CompletableFuture<TxnResponse>>> commit = new AtomicReference<>();
        AtomicInteger commits = new AtomicInteger();
        CompletableFuture<Void> retryHeld = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicReference<CompletableFuture<TxnResponse>> retried = new AtomicReference<>();
        try (ScriptedConnection scripted = scripted(commit); EtcdServiceRegistry registry = registry(scripted)) {
            Registration orders = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081)); // keeps the shared lease alive
            String operators = etcd.ctl().get(KEY).orElseThrow().replace("\"UP\"", "\"OUT_OF_SERVICE\"");
            commit.set(real -> switch (commits.incrementAndGet()) {
                case 1 -> CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("scripted").asRuntimeException());
                case 2 -> {
                    retryHeld.complete(null);
                    CompletableFuture<TxnResponse> answer = release.thenCompose(x -> real.commit());
                    retried.set(answer);
                    yield answer;
                }
                default -> real.commit();
            });
            orders.close(); // the delete fails: retried in the background
            retryHeld.get(20, TimeUnit.SECONDS);
            etcd.ctl().put(KEY, operators); // the operator's own record, no --lease, after the close
            release.complete(null);
            retried.get().get(10, TimeUnit.SECONDS);
            await("the operator's record left").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> etcd.ctl().get(KEY), Optional.of(operators)::equals);
        } finally {
            etcd.ctl().del(KEY);
        }
    }

    /** A record that changes under each delete on its revision is left after 3 of them, with a warning naming the key. */
    @Test
    void aRecordChangingUnderEachDeleteIsLeftWithAWarningNamingTheKey() throws Exception {
        AtomicReference<Function<Txn, CompletableFuture<TxnResponse>>> commit = new AtomicReference<>();
        AtomicBoolean bump = new AtomicBoolean();
        try (ScriptedConnection scripted = scripted(commit); EtcdServiceRegistry registry = registry(scripted);
             LogCapture log = LogCapture.everything()) {
            RecordKeeper orders = (RecordKeeper) registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            String operators = etcd.ctl().get(KEY).orElseThrow().replace("\"UP\"", "\"OUT_OF_SERVICE\"");
            PutOption underOurLease = PutOption.builder().withLeaseId(orders.heldLease()).build();
            KV kv = scripted.real.getKVClient();
            kv.put(KEY_BYTES, ByteSequence.from(operators, StandardCharsets.UTF_8), underOurLease).get(10, TimeUnit.SECONDS);
            // after the value compare, each delete on the revision read finds the record changed just before it
            commit.set(real -> !bump.getAndSet(true) ? real.commit()
                    : kv.put(KEY_BYTES, ByteSequence.from(operators, StandardCharsets.UTF_8), underOurLease).thenCompose(x -> real.commit()));
            orders.close();
            assertThat(etcd.ctl().get(KEY)).as("the record left").hasValue(operators);
            assertThat(log.warningsContaining(KEY)).as("a warning naming the key").isNotEmpty();
        } finally {
            etcd.ctl().del(KEY);
        }
    }
}
