package io.etcdmp.registry;

import io.etcdmp.support.CdiApp;
import io.etcdmp.support.ServiceProcess;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Weld SE application without Jakarta JSON Processing: self-registration fails the start with a
 * message naming what to add, instead of a NoClassDefFoundError at the first registry call.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MissingJsonProcessingTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");

    @Test
    void withoutJsonProcessingSelfRegistrationFailsTheStartNamingWhatToAdd() {
        assertThatThrownBy(() -> ServiceProcess.startWithout(List.of("parsson", "jakarta.json-api"),
                CdiApp.settings(etcd.endpoints(), "mp.app.name", "nojson", "etcd.registry.host", "127.0.0.1",
                        "etcd.registry.port", "9600")).close())
                .hasMessageContaining("needs Jakarta JSON Processing").hasMessageContaining("org.eclipse.parsson:parsson")
                .hasMessageNotContaining("NoClassDefFoundError");
        assertThat(etcd.ctl().getPrefix("/services/nojson/")).isEmpty();
    }
}
