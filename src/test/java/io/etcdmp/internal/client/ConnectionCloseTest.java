package io.etcdmp.internal.client;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the last hold on a connection ends its threads before it returns: in an application server
 * the class loader is closed right after, and a thread still running then fails to load classes
 * (seen in Payara and Open Liberty as "could not read class io.vertx.core.impl.VertxImpl$2$1").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionCloseTest {
    private static final Pattern CLIENT_THREAD = Pattern.compile(
            "^(etcd-microprofile-(timer|events)-|jetcd-|vert\\.x-|globalEventExecutor-).*");
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd();

    @Test
    void closingTheLastHoldReturnsOnlyAfterTheClientThreadsHaveEnded() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EtcdConnection connection = EtcdConnections.acquire(EtcdSettings.from(name ->
                name.equals(EtcdSettings.ENDPOINTS) ? java.util.Optional.of(etcd.endpoints()) : java.util.Optional.empty()));
        connection.client().getKVClient().put(bytes("/close/k"), bytes("v")).get(5, TimeUnit.SECONDS);
        connection.scheduler().submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertThat(newClientThreads(before)).as("the connection's threads while open").isNotEmpty();

        connection.close();

        assertThat(newClientThreads(before)).as("threads still alive when close() returned").isEmpty();
    }

    private static List<String> newClientThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && CLIENT_THREAD.matcher(t.getName()).matches())
                .map(Thread::getName).toList();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
