package io.etcdmp.grpc;

import io.etcdmp.testing.LocalEtcd;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A resolver following a service while etcd restarts and its history is compacted: the changes made meanwhile
 * (one instance turning DRAINING, a new one joining) reach the channel, although the watch's next revision is gone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResolverRestartTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.builder().clearing("/grpc-test-nothing/").start();

    private final GrpcServers servers = new GrpcServers();
    private ManagedChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        servers.close();
    }

    @Test
    void changesMadeAcrossARestartAndACompactionReachTheChannel() throws Exception {
        int a = servers.start();
        int b = servers.start();
        int c = servers.start();
        etcd.put("/services/billing-restart/a", record(a, "UP"));
        etcd.put("/services/billing-restart/b", record(b, "UP"));
        channel = Grpc.newChannelBuilder("etcd:///billing-restart", InsecureChannelCredentials.create())
                .defaultLoadBalancingPolicy("round_robin").build();
        // the first call waits for the first read of a cold registry (slow on a loaded machine): its deadline may pass
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            GrpcServers.call(channel);
            return servers.calls(a) > 0 && servers.calls(b) > 0;
        });

        etcd.stop(0);
        GrpcServers.call(channel); // etcd down: the channel goes on with the last list
        etcd.start(0);
        // written as soon as etcd serves again, then the history compacted: the watch resumes from a revision that is
        // gone, so only a re-read of the prefix (diffed against the cache) can bring these two changes
        etcd.put("/services/billing-restart/b", record(b, "DRAINING"));
        etcd.put("/services/billing-restart/c", record(c, "UP"));
        etcd.compact();

        await("the changes made across the restart and the compaction reach the channel")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    int before = servers.calls(b);
                    int cBefore = servers.calls(c);
                    for (int i = 0; i < 10; i++) {
                        GrpcServers.call(channel);
                    }
                    return servers.calls(b) == before && servers.calls(c) > cBefore;
                });
        int settled = servers.calls(b);
        int aBefore = servers.calls(a);
        int cBefore = servers.calls(c);
        for (int i = 0; i < 20; i++) {
            GrpcServers.call(channel);
        }
        assertThat(servers.calls(b)).as("the DRAINING instance gets no call").isEqualTo(settled);
        assertThat(servers.calls(a) - aBefore).as("round robin over a and c").isEqualTo(10);
        assertThat(servers.calls(c) - cBefore).isEqualTo(10);
    }

    private String record(int server, String status) {
        return "{\"Addr\":\"127.0.0.1:" + servers.port(server) + "\",\"Metadata\":{\"status\":\"" + status + "\"}}";
    }
}
