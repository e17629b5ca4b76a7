package io.etcdmp.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.internal.watch.PrefixMirror;
import io.etcdmp.support.ScriptedClient;
import io.etcdmp.support.ScriptedConnection;
import io.etcdmp.testing.SharedEtcd;
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
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lease keep-alives share a connection with blocking work: re-reads of whole prefixes, registrations,
 * record restores, each waiting up to {@code etcd.request-timeout}. A slow read must never hold a
 * keep-alive back past its lease's TTL: here every range read answers 4.5 s late (longer than the 3 s
 * TTL) while a 20,000-key prefix is re-read next to a registration on the same connection.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeepAliveStarvationTest {
    static final int KEYS = 20_000;

    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void aSlowReReadOfALargePrefixCostsNoRegistrationItsLease() throws Exception {
        AtomicBoolean slowReads = new AtomicBoolean();
        AtomicInteger delayedReads = new AtomicInteger();
        Executor late = CompletableFuture.delayedExecutor(4500, TimeUnit.MILLISECONDS);
        try (ScriptedConnection scripted = ScriptedConnection.open(etcd.clientUrls(), client -> client.kv(real ->
                ScriptedClient.intercept(KV.class, real, (method, args) -> {
                    if (!method.equals("get") || !slowReads.get()) {
                        return ScriptedClient.PASS;
                    }
                    delayedReads.incrementAndGet();
                    return args.length == 1 ? real.get((ByteSequence) args[0]).thenApplyAsync(r -> r, late)
                            : real.get((ByteSequence) args[0], (io.etcd.jetcd.options.GetOption) args[1]).thenApplyAsync(r -> r, late);
                })), "etcd.request-timeout", "10s")) {
            fill(scripted, "/starve/", KEYS);
            ServiceRegistry registry = new EtcdServiceRegistry(scripted.connection, settings("3s"));
            Registration registration = registry.register(ServiceInstance.of("orders", "127.0.0.1", 8080));
            long lease = registration.leaseId().orElseThrow();

            slowReads.set(true);
            PrefixMirror large = new PrefixMirror(scripted.connection, bytes("/starve/"), (changes, revision) -> { });
            large.startInBackground(); // the re-read a lost watch leads to
            await("the re-read of " + KEYS + " keys").atMost(Duration.ofSeconds(60)).until(() -> large.revision() > 0);
            assertThat(delayedReads.get()).as("range reads answered late").isPositive();
            assertThat(registration.reRegistrations()).as("re-registrations during the re-read").isZero();
            await("no re-registration for one more TTL with every read slow").during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5)).until(() -> registration.reRegistrations() == 0);
            assertThat(registration.leaseId()).as("the lease").hasValue(lease);
            assertThat(etcd.ctl().leaseList()).containsExactly(lease);
            large.close();
            registry.close();
        }
    }

    private static void fill(ScriptedConnection scripted, String prefix, int count) throws Exception {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int start = 0; start < count; start += 100) {
            List<Op> puts = new ArrayList<>();
            for (int i = start; i < Math.min(count, start + 100); i++) {
                puts.add(Op.put(bytes(prefix + "key-" + i), bytes("value-" + i), PutOption.DEFAULT));
            }
            writes.add(scripted.real.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private static RegistrySettings settings(String ttl) {
        Map<String, String> map = Map.of("etcd.registry.ttl", ttl);
        return RegistrySettings.from(name -> Optional.ofNullable(map.get(name)), Map.of());
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
