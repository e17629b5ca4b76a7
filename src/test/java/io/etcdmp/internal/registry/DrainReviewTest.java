package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Reviewer's reproductions for branch drain. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DrainReviewTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    /** REGISTRY.md: "when the instance stops: its close deletes the record an operator changed (... under none ...)". */
    @Test
    void registryCloseRemovesALeaselessOperatorRecord() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            etcd.ctl().put(KEY, etcd.ctl().get(KEY).orElseThrow().replace("\"UP\"", "\"OUT_OF_SERVICE\"")); // no --lease
            fixture.registry.close();
            assertThat(etcd.ctl().get(KEY)).as("the stopped registry's leaseless record").isEmpty();
        } finally {
            etcd.ctl().del(KEY);
        }
    }

    /**
     * An operator's delete just before the drain: the restore is in flight with the UP record (draining not yet set);
     * the drain reads the key empty and gives up; the restore then lands UP, and the record says UP through the drain.
     */
    @Test
    void aRestoreInFlightWhenTheDrainBeginsIsWrittenOverWithDraining() throws Exception {
        AtomicBoolean holdNextTxn = new AtomicBoolean();
        AtomicBoolean releaseOnGet = new AtomicBoolean();
        CompletableFuture<Void> txnHeld = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        ByteSequence key = ByteSequence.from(KEY, StandardCharsets.UTF_8);
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> {
                    if (method.equals("txn")) {
                        return holding(real.txn(), holdNextTxn, txnHeld, release);
                    }
                    if (method.equals("get") && args.length == 2 && releaseOnGet.get() && key.equals(args[0])) {
                        CompletableFuture<GetResponse> got = real.get((ByteSequence) args[0], (GetOption) args[1]);
                        return got.whenComplete((r, e) -> release.complete(null));
                    }
                    return ScriptedClient.PASS;
                })));
             EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection,
                     RegistrySettings.from(name -> Optional.empty(), Map.of()))) {
            RecordKeeper keeper = (RecordKeeper) registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            holdNextTxn.set(true);
            etcd.ctl().del(KEY); // the operator's delete: the restorer's claim (UP) is sent and held
            txnHeld.get(10, TimeUnit.SECONDS);
            releaseOnGet.set(true); // the drain's read of the record releases the restore's write
            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> keeper.drain(Duration.ofSeconds(6)));

            // the write-back's UP is in etcd's hands once sent: it is written over with DRAINING as soon as it lands
            await("the record written back, then saying DRAINING").atMost(Duration.ofSeconds(5))
                    .until(() -> status(), "DRAINING"::equals);
            assertThat(drained).as("still draining").isNotDone();
            drained.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A re-claim (the lease lost) computes its record before the drain sets DRAINING and writes it after: the drain
     * found no record to write (written() null: "that claim writes DRAINING itself"), so the record says UP all drain.
     */
    @Test
    void aReClaimInFlightWhenTheDrainBeginsIsWrittenOverWithDraining() throws Exception {
        java.util.concurrent.atomic.AtomicInteger grants = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Thread> reClaimer = new java.util.concurrent.atomic.AtomicReference<>();
        AtomicBoolean hold = new AtomicBoolean(true);
        CompletableFuture<Void> txnHeld = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client
                .lease(real -> ScriptedClient.intercept(io.etcd.jetcd.Lease.class, real, (method, args) -> {
                    if (method.equals("grant") && grants.incrementAndGet() == 2) {
                        reClaimer.set(Thread.currentThread());
                    }
                    return ScriptedClient.PASS;
                }))
                .kv(real -> ScriptedClient.intercept(KV.class, real, (method, args) -> method.equals("txn")
                        && Thread.currentThread() == reClaimer.get()
                        ? holding(real.txn(), hold, txnHeld, release) : ScriptedClient.PASS)));
             EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection,
                     RegistrySettings.from(name -> Optional.ofNullable(Map.of("etcd.registry.ttl", "3s").get(name)), Map.of()))) {
            RecordKeeper keeper = (RecordKeeper) registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            etcd.ctl().leaseRevoke(keeper.heldLease()); // the lease lost: the re-claim computes its record, its txn is held
            txnHeld.get(20, TimeUnit.SECONDS);
            Thread drainer = new Thread(() -> keeper.drain(Duration.ofSeconds(6)));
            drainer.start();
            await("the drain's write done, waiting drain-time").atMost(Duration.ofSeconds(5))
                    .until(() -> drainer.getState() == Thread.State.TIMED_WAITING);
            release.complete(null);
            // the claim's UP is in etcd's hands once sent: it is written over with DRAINING as soon as it lands
            await("the record written again, then saying DRAINING").atMost(Duration.ofSeconds(5))
                    .until(() -> status(), "DRAINING"::equals);
            assertThat(drainer.isAlive()).as("still draining").isTrue();
            drainer.join(30_000);
        }
    }

    /** Drain calls a record under our lease at another address "another instance's; left to it"; close deletes it. */
    @Test
    void drainAndCloseAgreeOnWhoseRecordAnotherAddressUnderOurLeaseIs() throws Exception {
        try (RegistryFixture fixture = new RegistryFixture(etcd.endpoints())) {
            RecordKeeper keeper = (RecordKeeper) fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            fixture.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081));
            String elsewhere = etcd.ctl().get(KEY).orElseThrow().replace("127.0.0.1:8080", "127.0.0.2:9090");
            etcd.ctl().run("put", KEY, elsewhere, "--lease=" + Long.toHexString(keeper.heldLease()));
            keeper.drain(Duration.ZERO);
            assertThat(etcd.ctl().get(KEY)).as("the record the drain called another instance's").hasValue(elsewhere);
        } finally {
            etcd.ctl().del(KEY);
        }
    }

    /** The status of the record in etcd now; "(none)" when there is none. */
    private static String status() throws Exception {
        return etcd.ctl().get(KEY).map(v -> InstanceRecords.parse("orders", "x", v).status()).orElse("(none)");
    }

    private static Txn holding(Txn real, AtomicBoolean armed, CompletableFuture<Void> held, CompletableFuture<Void> release) {
        Txn[] self = new Txn[1];
        self[0] = ScriptedClient.intercept(Txn.class, real, (method, args) -> {
            switch (method) {
                case "If" -> real.If((io.etcd.jetcd.op.Cmp[]) args[0]);
                case "Then" -> real.Then((io.etcd.jetcd.op.Op[]) args[0]);
                case "Else" -> real.Else((io.etcd.jetcd.op.Op[]) args[0]);
                case "commit" -> {
                    if (!armed.compareAndSet(true, false)) {
                        return real.commit();
                    }
                    held.complete(null);
                    CompletableFuture<TxnResponse> answer = release.thenCompose(x -> real.commit());
                    return answer;
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
