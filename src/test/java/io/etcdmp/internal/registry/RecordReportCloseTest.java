package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
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
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The config report's write into an operator's record stops at the close, between its read and its write. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RecordReportCloseTest {
    static final String KEY = "/services/orders/orders-127.0.0.1-8080";
    static final ByteSequence KEY_BYTES = ByteSequence.from(KEY, StandardCharsets.UTF_8);

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aReportWhoseReadOfTheOperatorsRecordEndsAfterTheCloseSendsNoWrite() throws Exception {
        AtomicBoolean holdGet = new AtomicBoolean();
        AtomicBoolean countTxns = new AtomicBoolean();
        AtomicInteger txnsAfterClose = new AtomicInteger();
        CompletableFuture<Void> getHeld = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        AtomicReference<CompletableFuture<GetResponse>> read = new AtomicReference<>();
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> {
                    if (method.equals("txn") && countTxns.get()) {
                        txnsAfterClose.incrementAndGet();
                    }
                    if (method.equals("get") && args.length == 2 && KEY_BYTES.equals(args[0]) && holdGet.compareAndSet(true, false)) {
                        getHeld.complete(null);
                        // read now (the operator's record), answered only after the close
                        CompletableFuture<GetResponse> answer = real.get((ByteSequence) args[0], (GetOption) args[1])
                                .thenCombine(release, (got, x) -> got);
                        read.set(answer);
                        return answer;
                    }
                    return ScriptedClient.PASS;
                })));
             EtcdServiceRegistry registry = new EtcdServiceRegistry(scripted.connection, RegistrySettings.from(
                     name -> Optional.ofNullable(Map.of("etcd.registry.report-interval", "300ms").get(name)), Map.of()))) {
            RecordReportTest.Applied applied = new RecordReportTest.Applied(7);
            RecordKeeper self = (RecordKeeper) registry.registerSelf(ServiceInstance.of("orders", "127.0.0.1", 8080), applied);
            registry.register(ServiceInstance.of("orders", "127.0.0.1", 8081)); // keeps the shared lease alive
            ServiceInstance mine = InstanceRecords.parse("orders", "x", etcd.ctl().get(KEY).orElseThrow());
            Map<String, String> weighted = new TreeMap<>(mine.metadata());
            weighted.put(ServiceInstance.WEIGHT, "7");
            scripted.real.getKVClient().put(KEY_BYTES, ByteSequence.from(InstanceRecords.toJson(mine.withMetadata(weighted)),
                    StandardCharsets.UTF_8), PutOption.builder().withLeaseId(self.heldLease()).build()).get(10, TimeUnit.SECONDS);
            holdGet.set(true);
            applied.change(9); // the report's compare fails: it reads the operator's record, and that read is held
            getHeld.get(20, TimeUnit.SECONDS);
            self.close();
            assertThat(etcd.ctl().get(KEY)).as("deleted by the close").isEmpty();
            countTxns.set(true);
            release.complete(null);
            read.get().get(10, TimeUnit.SECONDS);
            await("no write after the close").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(txnsAfterClose::get, n -> n == 0);
        } finally {
            etcd.ctl().del(KEY);
        }
    }
}
