package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.registry.RegistryFixture;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The instance's own drain over an operator's change it has not taken over (the console's or etcdctl's rewrite of the
 * record, under the record's lease): the drain reads the record as it is, writes {@code DRAINING} into it keeping the
 * operator's fields, leaves a status that already takes the instance out of choice, and never writes an {@code UP}
 * record back over an operator's delete (a delete while the lease lives is written back, saying {@code DRAINING}).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DrainOverOperatorChangeTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void theDrainWritesDrainingOverAnOperatorsWeightChangeKeepingTheWeightAndCallersStopChoosingIt() throws Exception {
        try (RegistryFixture owner = new RegistryFixture(etcd.endpoints());
             RegistryFixture caller = new RegistryFixture(etcd.endpoints())) {
            RecordKeeper keeper = (RecordKeeper) owner.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            await().atMost(Duration.ofSeconds(10)).until(() -> caller.registry.choose("orders").isPresent());

            long changedAt = operatorRewrites(owner, meta -> meta, "7"); // only the weight: the record stays UP
            await().atMost(Duration.ofSeconds(10)).until(() -> caller.registry.instances("orders").stream()
                    .anyMatch(i -> i.weight() == 7));

            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> keeper.drain(Duration.ofSeconds(6)));
            await("the record says DRAINING during the drain").atMost(Duration.ofSeconds(5))
                    .until(() -> "DRAINING".equals(parsed(etcd.ctl().get(KEY).orElse(null)).map(ServiceInstance::status).orElse("")));
            ServiceInstance draining = parsed(etcd.ctl().get(KEY).orElse(null)).orElseThrow();
            assertThat(draining.weight()).as("the operator's weight").isEqualTo(7);
            assertThat(draining.metadata()).as("the operator's metadata field").containsEntry("owner", "ops");
            await("another registry stops choosing it").atMost(Duration.ofSeconds(5))
                    .until(() -> caller.registry.choose("orders").isEmpty());
            assertThat(drained).isNotDone();
            drained.get(30, TimeUnit.SECONDS); // a failure of the drain thread fails the test here

            List<WatchEvent> history = historyUntilDeleted(owner.connection.client(), changedAt + 1);
            assertThat(history).as("one DRAINING write, then the delete").hasSize(2);
            assertThat(history.get(0).getEventType()).isEqualTo(WatchEvent.EventType.PUT);
            assertThat(history.get(1).getEventType()).isEqualTo(WatchEvent.EventType.DELETE);
        }
    }

    @Test
    void anOperatorsOutOfServiceStaysThroughTheDrainWhichWritesNothing() throws Exception {
        try (RegistryFixture owner = new RegistryFixture(etcd.endpoints())) {
            RecordKeeper keeper = (RecordKeeper) owner.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long changedAt = operatorRewrites(owner, meta -> Json.createObjectBuilder(meta).add("status", "OUT_OF_SERVICE").build(), "3");

            keeper.drain(Duration.ofMillis(300));

            List<WatchEvent> history = historyUntilDeleted(owner.connection.client(), changedAt + 1);
            assertThat(history).as("no write over OUT_OF_SERVICE; the record goes at the end of the drain")
                    .extracting(WatchEvent::getEventType).containsExactly(WatchEvent.EventType.DELETE);
        }
    }

    @Test
    void aWeightPutWithoutTheLeaseIsDrainedUnderTheInstancesLeaseAndDeletedAtTheEnd() throws Exception {
        try (RegistryFixture owner = new RegistryFixture(etcd.endpoints())) {
            RecordKeeper keeper = (RecordKeeper) owner.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            owner.registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081)); // keeps the lease alive after the drain
            long lease = keeper.heldLease();
            operatorRewrites(owner, meta -> meta, "7", false); // etcdctl put without --lease: the record has no lease now

            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> keeper.drain(Duration.ofSeconds(6)));
            await("the record says DRAINING during the drain").atMost(Duration.ofSeconds(5))
                    .until(() -> "DRAINING".equals(parsed(etcd.ctl().get(KEY).orElse(null)).map(ServiceInstance::status).orElse("")));
            assertThat(parsed(etcd.ctl().get(KEY).orElse(null)).orElseThrow().weight()).isEqualTo(7);
            assertThat(owner.connection.client().getKVClient().get(ByteSequence.from(KEY, StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS).getKvs().get(0).getLease()).as("under the instance's lease again").isEqualTo(lease);
            drained.get(30, TimeUnit.SECONDS);
            assertThat(etcd.ctl().get(KEY)).as("deleted at the end of the drain").isEmpty();
        }
    }

    @Test
    void aRecordTheOperatorDeletesAsTheDrainWritesIsNeverWrittenBackUp() throws Exception {
        AtomicBoolean deleteBeforeNextTxn = new AtomicBoolean();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> method.equals("txn")
                        ? deletingFirst(real, real.txn(), deleteBeforeNextTxn) : ScriptedClient.PASS)));
             EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection,
                     RegistrySettings.from(name -> Optional.empty(), Map.of()))) {
            RecordKeeper keeper = (RecordKeeper) registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long before = etcd.ctl().revision();

            deleteBeforeNextTxn.set(true); // the operator deletes the record just before the drain's write reaches etcd
            CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> keeper.drain(Duration.ofSeconds(6)));
            // the registry writes a record deleted while its lease lives back (docs/REGISTRY.md), here while it drains
            await("the record written back").atMost(Duration.ofSeconds(5)).until(() -> etcd.ctl().get(KEY).isPresent());
            assertThat(parsed(etcd.ctl().get(KEY).orElse(null)).orElseThrow().status()).as("written back draining").isEqualTo("DRAINING");
            assertThat(deleteBeforeNextTxn).as("the operator's delete happened").isFalse();
            drained.get(30, TimeUnit.SECONDS);

            List<WatchEvent> history = historyUntilDeleted(scripted.real, before + 1);
            assertThat(history.get(0).getEventType()).as("the operator's delete").isEqualTo(WatchEvent.EventType.DELETE);
            assertThat(history.subList(1, history.size())).as("nothing written back UP").allSatisfy(e -> {
                if (e.getEventType() == WatchEvent.EventType.PUT) {
                    assertThat(parsed(e.getKeyValue().getValue().toString(StandardCharsets.UTF_8)).orElseThrow().status())
                            .isEqualTo("DRAINING");
                }
            });
        }
    }

    private static long operatorRewrites(RegistryFixture fixture, java.util.function.UnaryOperator<JsonObject> meta, String weight)
            throws Exception {
        return operatorRewrites(fixture, meta, weight, true);
    }

    /** What an operator does with etcdctl: reads the record, changes it, puts it back (under the record's lease, or none). */
    private static long operatorRewrites(RegistryFixture fixture, java.util.function.UnaryOperator<JsonObject> meta, String weight,
                                         boolean underItsLease) throws Exception {
        KeyValue kv = fixture.connection.client().getKVClient().get(ByteSequence.from(KEY, StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS).getKvs().get(0);
        JsonObject root = Json.createReader(new StringReader(kv.getValue().toString(StandardCharsets.UTF_8))).readObject();
        JsonObject metadata = meta.apply(root.getJsonObject("Metadata"));
        JsonObject changed = Json.createObjectBuilder(root).add("Metadata", Json.createObjectBuilder(metadata)
                .add("metadata", Json.createObjectBuilder(metadata.getJsonObject("metadata")).add("weight", weight).add("owner", "ops")))
                .build();
        if (underItsLease) {
            etcd.ctl().run("put", KEY, changed.toString(), "--lease=" + Long.toHexString(kv.getLease()));
        } else {
            etcd.ctl().put(KEY, changed.toString());
        }
        return etcd.ctl().revision();
    }

    private static Optional<ServiceInstance> parsed(String value) {
        return Optional.ofNullable(value).map(v -> InstanceRecords.parse("orders", "orders-127.0.0.1-8080", v));
    }

    /**
     * The record's events from {@code from} until it is gone for good (the end of the drain): all of them, since a
     * sentinel key written after them (in the watched range) is seen last.
     */
    private static List<WatchEvent> historyUntilDeleted(Client client, long from) throws Exception {
        await("the record gone at the end of the drain").atMost(Duration.ofSeconds(10)).until(() -> etcd.ctl().get(KEY).isEmpty());
        String sentinel = "/zz-history-end";
        etcd.ctl().put(sentinel, "x");
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        try (var watch = client.getWatchClient().watch(ByteSequence.from(KEY, StandardCharsets.UTF_8),
                WatchOption.builder().withRange(ByteSequence.from("/zzz", StandardCharsets.UTF_8)).withRevision(from).build(),
                response -> events.addAll(response.getEvents()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> events.stream()
                    .anyMatch(e -> e.getKeyValue().getKey().toString(StandardCharsets.UTF_8).equals(sentinel)));
        } finally {
            etcd.ctl().del(sentinel);
        }
        return events.stream().filter(e -> e.getKeyValue().getKey().toString(StandardCharsets.UTF_8).equals(KEY)).toList();
    }

    /** A transaction that, when {@code armed}, has the record deleted (as an operator would) just before it is sent. */
    private static Txn deletingFirst(KV kv, Txn real, AtomicBoolean armed) {
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
                    CompletableFuture<TxnResponse> answer = kv.delete(ByteSequence.from(KEY, StandardCharsets.UTF_8))
                            .thenCompose(deleted -> real.commit());
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
