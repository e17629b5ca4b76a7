package io.etcdmp.registry;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.support.ScriptedWatch;
import io.etcdmp.support.Threads;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing a registration at the worst moments: while its record watch reports the record deleted, and
 * while a re-registration after a lost lease has claimed the record under a new lease. Each interleaving
 * is made to happen every time with scripted parts of the client (the rest is a real etcd).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RegistrationCloseRaceTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void closingWhileTheRecordWatchReportsTheRecordDeletedDoesNotDeadlock() throws Exception {
        ScriptedWatch watch = new ScriptedWatch();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.watch(watch))) {
            ServiceRegistry registry = new EtcdServiceRegistry(scripted.connection, settings("10s"));
            Registration registration = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            ByteSequence service = bytes("/services/orders/"); // the watch guarding the records of the service
            await("the record watch").atMost(Duration.ofSeconds(10)).until(() -> watch.openOn(service) != null);
            ScriptedWatch.ScriptedWatcher recordWatch = watch.openOn(service);

            Threads.Helper closer = Threads.daemon("test-registration-close", registration::close);
            AtomicBoolean closerBlocked = new AtomicBoolean();
            // the delete event is read while the mirror handles it: that is where the close is made to arrive
            WatchResponse deleted = new WatchResponse(deleteEvent(registration.key(), etcd.ctl().revision() + 1)) {
                @Override
                public synchronized List<WatchEvent> getEvents() {
                    if (!closer.isAlive() && closer.getState() == Thread.State.NEW) {
                        closer.start();
                        closerBlocked.set(Threads.awaitBlocked(closer, Duration.ofSeconds(3)));
                    }
                    return super.getEvents();
                }
            };
            Threads.Helper eventLoop = Threads.daemon("test-jetcd-event-loop", () -> recordWatch.send(deleted));
            eventLoop.start();
            eventLoop.join(Duration.ofSeconds(10));
            closer.join(Duration.ofSeconds(10));
            assertThat(closerBlocked).as("close() was blocked while the mirror handled the delete event").isTrue();
            assertThat(Threads.deadlocks()).as("deadlocked threads").isEmpty();
            assertThat(eventLoop.isAlive()).as("the watch's event loop is stuck").isFalse();
            assertThat(closer.isAlive()).as("close() is stuck").isFalse();
            assertThat(etcd.ctl().get(registration.key())).as("deregistered").isEmpty();
            registry.close();
        }
    }

    @Test
    void closingWhileAReRegistrationHasClaimedTheRecordLeavesNoRecord() throws Exception {
        TxnGate gate = new TxnGate();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(gate::wrap))) {
            ServiceRegistry registry = new EtcdServiceRegistry(scripted.connection, settings("10s"));
            Registration registration = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long first = registration.leaseId().orElseThrow();

            gate.armed.set(true);
            etcd.ctl().leaseRevoke(first); // the lease is lost: the keeper registers again under a new lease
            assertThat(gate.committed.await(10, TimeUnit.SECONDS)).as("the re-registration claimed the record").isTrue();
            assertThat(etcd.ctl().get(registration.key())).as("the record, written under the new lease").isPresent();

            registration.close(); // while the re-registration waits for the answer to its claim
            try {
                assertThat(etcd.ctl().get(registration.key())).as("the record after close() returned").isEmpty();
            } finally {
                gate.release.complete(null);
            }
            await("no lease left").atMost(Duration.ofSeconds(5)).until(() -> etcd.ctl().leaseList().isEmpty());
            assertThat(etcd.ctl().get(registration.key())).as("the record, once the re-registration went on").isEmpty();
            registry.close();
        }
    }

    /** Holds back the answer of the first successful transaction after it is armed (after etcd applied it). */
    static final class TxnGate {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch committed = new CountDownLatch(1);
        final CompletableFuture<Void> release = new CompletableFuture<>();

        KV wrap(KV real) {
            return ScriptedClient.intercept(KV.class, real, (method, args) -> method.equals("txn")
                    ? gated(real.txn()) : ScriptedClient.PASS);
        }

        private Txn gated(Txn real) {
            Txn[] self = new Txn[1];
            self[0] = ScriptedClient.intercept(Txn.class, real, (method, args) -> {
                switch (method) {
                    case "If" -> real.If((io.etcd.jetcd.op.Cmp[]) args[0]);
                    case "Then" -> real.Then((io.etcd.jetcd.op.Op[]) args[0]);
                    case "Else" -> real.Else((io.etcd.jetcd.op.Op[]) args[0]);
                    case "commit" -> {
                        return real.commit().thenCompose(this::holdIfFirst);
                    }
                    default -> {
                        return ScriptedClient.PASS;
                    }
                }
                return self[0];
            });
            return self[0];
        }

        private CompletableFuture<TxnResponse> holdIfFirst(TxnResponse response) {
            if (response.isSucceeded() && armed.compareAndSet(true, false)) {
                committed.countDown();
                return release.thenApply(ignored -> response);
            }
            return CompletableFuture.completedFuture(response);
        }
    }

    private static RegistrySettings settings(String ttl) {
        Map<String, String> map = Map.of("etcd.registry.ttl", ttl);
        return RegistrySettings.from(name -> Optional.ofNullable(map.get(name)), Map.of());
    }

    private static io.etcd.jetcd.api.WatchResponse deleteEvent(String key, long revision) {
        return io.etcd.jetcd.api.WatchResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision))
                .addEvents(Event.newBuilder().setType(Event.EventType.DELETE)
                        .setKv(io.etcd.jetcd.api.KeyValue.newBuilder().setKey(ByteString.copyFromUtf8(key)).setModRevision(revision)))
                .build();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
