package io.etcdmp.cdi;

import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.support.CdiApp;
import io.etcdmp.testing.SharedEtcd;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MicroProfile Config keeps the Config it built (and so the etcd config source) per class loader; a
 * second CDI container started in the same JVM (an embedded restart, the next weld-junit test class)
 * gets that Config after the first container's shutdown closed the source. It must be live again.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerRestartTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/config/");

    @AfterEach
    void releaseTheKeptConfig() {
        CdiApp.releaseKeptConfig();
    }

    @Test
    void aSecondContainerInTheSameJvmSeesLiveValuesWithoutTheUserReleasingAnything() {
        etcd.ctl().put("/config/application/greeting", "first");
        Map<String, String> settings = CdiApp.settings(etcd.endpoints());
        Config kept;
        try (CdiApp first = CdiApp.startKeepingConfig(settings)) {
            kept = first.config();
            assertThat(kept.getValue("greeting", String.class)).isEqualTo("first");
        }
        etcd.ctl().put("/config/application/greeting", "changed while stopped");
        try (CdiApp second = CdiApp.startKeepingConfig(settings)) {
            assertThat(second.config()).as("the runtime hands the second container the same Config").isSameAs(kept);
            assertThat(second.config().getValue("greeting", String.class)).isEqualTo("changed while stopped");
            etcd.ctl().put("/config/application/greeting", "second");
            await("a change made while the second container runs").atMost(Duration.ofSeconds(5))
                    .until(() -> "second".equals(second.config().getValue("greeting", String.class)));
            EtcdConfigSource source = EtcdConfigSource.of(second.config()).get(0);
            await("the watch is live (readiness configWatchLive)").atMost(Duration.ofSeconds(5)).until(source::isLive);
        }
    }
}
