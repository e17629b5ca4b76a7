package io.etcdmp.grpc;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.testing.LocalEtcd;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The resolver on its own: one result from the first read, one per change, one per refresh() (less the ejected instances), none after shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResolverRefreshTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/grpc-test-nothing/").start();

    @Test
    void firstReadThenWatchThenRefreshEachGiveOneResultOnTheSynchronizationContext() throws Exception {
        etcd.put("/services/refresh-me/a", "{\"Addr\":\"127.0.0.1:7001\"}");
        ResolverProbe probe = new ResolverProbe();
        SynchronizationContext sync = probe.sync;
        ExecutorService offload = probe.offload;
        List<List<String>> results = probe.results;
        NameResolver resolver = new EtcdNameResolverProvider(ProcessRegistry.get("a test"))
                .newNameResolver(URI.create("etcd:///refresh-me"), probe.args());
        resolver.start(probe);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 1);
            assertThat(results.get(0)).containsExactly("a");

            etcd.put("/services/refresh-me/b", "{\"Addr\":\"127.0.0.1:7002\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 2);
            assertThat(results.get(1)).containsExactlyInAnyOrder("a", "b");

            sync.execute(resolver::refresh);
            await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 3);
            assertThat(results.get(2)).containsExactlyInAnyOrder("a", "b");

            // passive ejection (reported by etcd_round_robin in a channel): left out at the next list, never all
            List<io.etcdmp.registry.ServiceInstance> both = ProcessRegistry.get("a test").instances("refresh-me");
            assertThat(ProcessRegistry.get("a test").reportFailure(both.get(0), new java.net.ConnectException("refused"))).isTrue();
            sync.execute(resolver::refresh);
            await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 4);
            assertThat(results.get(3)).as("a ejected").containsExactly("b");
            assertThat(ProcessRegistry.get("a test").reportFailure(both.get(1), new java.net.ConnectException("refused"))).isTrue();
            sync.execute(resolver::refresh);
            await().atMost(Duration.ofSeconds(5)).until(() -> results.size() == 5);
            assertThat(results.get(4)).as("both ejected: the one that failed first").containsExactly("a");

            sync.execute(resolver::shutdown);
            sync.execute(() -> { }); // the shutdown has run
            etcd.put("/services/refresh-me/c", "{\"Addr\":\"127.0.0.1:7003\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessRegistry.get("a test").instances("refresh-me").size() == 3);
            offload.shutdown();
            assertThat(offload.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
            assertThat(results).as("nothing after shutdown").hasSize(5);
            assertThat(probe.errors).isEmpty();
            assertThat(probe.failures).isEmpty();
        } finally {
            probe.close();
        }
    }
}
