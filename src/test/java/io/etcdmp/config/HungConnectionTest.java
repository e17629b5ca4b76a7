package io.etcdmp.config;

import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.testing.EtcdCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A member that hangs (SIGSTOP: the TCP connection stays open, nothing answers) raises no error by
 * itself; the library's gRPC keepalive (etcd.keepalive-time, etcd.keepalive-timeout) notices it, so the
 * watch counts as not live within time + timeout rather than jetcd's default ~40 s, and resumes once
 * the member answers again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HungConnectionTest {
    @Test
    void watchOnAFrozenMemberIsNoticedByKeepaliveAndResumes() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put("/config/hung/mode", "before");
            Map<String, String> values = Map.of("etcd.endpoints", etcd.endpoints(), "mp.app.name", "hung",
                    EtcdSettings.KEEPALIVE_TIME, "10s", EtcdSettings.KEEPALIVE_TIMEOUT, "2s");
            PropertyLookup lookup = name -> Optional.ofNullable(values.get(name));
            try (PrefixConfigSource source = PrefixConfigSource.create(ConfigSourceSettings.from(lookup), EtcdSettings.from(lookup))) {
                source.start();
                await().atMost(Duration.ofSeconds(10)).until(source::isLive);

                etcd.pause(0);
                long frozenAt = System.nanoTime();
                // 10 s without a reply, then 2 s for the ping's answer: well inside 25 s, far from jetcd's 30 s + 10 s
                await().atMost(Duration.ofSeconds(25)).until(() -> !source.isLive());
                System.out.printf("frozen member noticed after %d ms%n", (System.nanoTime() - frozenAt) / 1_000_000);
                assertThat(source.getValue("mode")).as("the last values stay readable").isEqualTo("before");

                etcd.resume(0);
                etcd.ctl().put("/config/hung/mode", "after");
                await().atMost(Duration.ofSeconds(30)).until(() -> "after".equals(source.getValue("mode")));
                await().atMost(Duration.ofSeconds(10)).until(source::isLive);
            }
        }
    }
}
