package io.etcdmp.cdi;

import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.IsolatedApp;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two CDI containers alive at once in one JVM and class loader (parallel weld-junit test classes, an embedded
 * second container) get the one Config MicroProfile Config keeps for that loader, and with it one etcd config
 * source: a container that stops must not close it under the other.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrentContainersTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    @Test
    void aStoppingContainerLeavesTheSourceLiveForTheOneStillRunning() throws Exception {
        etcd.ctl().put("/config/application/greeting", "first");
        Map<String, String> settings = CdiApp.settings(etcd.endpoints());
        try (URLClassLoader loader = new URLClassLoader(new URL[0], ConcurrentContainersTest.class.getClassLoader())) {
            try (IsolatedApp a = IsolatedApp.start("a", loader, settings)) {
                assertThat(a.config().getValue("greeting", String.class)).isEqualTo("first");
                List<EtcdConfigSource> sources = EtcdConfigSource.of(a.config());
                assertThat(sources).hasSize(1);
                EtcdConfigSource source = sources.get(0);
                await().atMost(Duration.ofSeconds(5)).until(source::isLive);

                try (IsolatedApp b = IsolatedApp.start("b", loader, settings)) {
                    assertThat(b.config()).as("one Config per class loader").isSameAs(a.config());
                    assertThat(b.config().getValue("greeting", String.class)).isEqualTo("first");
                }

                assertThat(source.isLive()).as("A's source after B stopped").isTrue();
                assertThat(((PrefixConfigSource) source).isClosed()).isFalse();
                etcd.ctl().put("/config/application/greeting", "changed after B stopped");
                await("A sees a change made after B stopped").atMost(Duration.ofSeconds(5))
                        .until(() -> "changed after B stopped".equals(a.config().getValue("greeting", String.class)));

                a.close();
                assertThat(((PrefixConfigSource) source).isClosed()).as("closed with the last container using it").isTrue();
                assertThat(source.isLive()).isFalse();
            } finally {
                IsolatedApp.releaseConfig(loader);
            }
        }
    }

    @Test
    void aContainerStartedAfterTheOthersStoppedReopensTheSource() throws Exception {
        etcd.ctl().put("/config/application/greeting", "first");
        Map<String, String> settings = CdiApp.settings(etcd.endpoints());
        try (URLClassLoader loader = new URLClassLoader(new URL[0], ConcurrentContainersTest.class.getClassLoader())) {
            try {
                try (IsolatedApp a = IsolatedApp.start("a", loader, settings)) {
                    assertThat(a.config().getValue("greeting", String.class)).isEqualTo("first");
                }
                etcd.ctl().put("/config/application/greeting", "while none ran");
                try (IsolatedApp b = IsolatedApp.start("b", loader, settings)) {
                    assertThat(b.config().getValue("greeting", String.class)).isEqualTo("while none ran");
                    EtcdConfigSource source = EtcdConfigSource.of(b.config()).get(0);
                    await().atMost(Duration.ofSeconds(5)).until(source::isLive);
                }
            } finally {
                IsolatedApp.releaseConfig(loader);
            }
        }
    }
}
