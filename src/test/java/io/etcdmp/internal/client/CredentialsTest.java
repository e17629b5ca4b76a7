package io.etcdmp.internal.client;

import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Credentials over time: auth tokens that expire are renewed, and the password never leaks. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CredentialsTest {
    static final String ROOT_PW = "root-pw-Tt77";
    static final String PASSWORD = "app-pw-Uu31-never-logged";

    private static Etcdctl authWithAppUser(EtcdCluster etcd) {
        etcd.ctl().put("/config/application/greeting", "hello");
        Etcdctl root = etcd.ctl().enableAuth(ROOT_PW);
        root.addUser("app", PASSWORD);
        root.addRole("app");
        root.grantRole("app", "app");
        root.grantPermission("app", "readwrite", "/config/", true);
        root.grantPermission("app", "readwrite", "/services/", true);
        return root;
    }

    private static Map<String, String> settings(EtcdCluster etcd, String password) {
        return CdiApp.settings(etcd.endpoints(), "etcd.user", "app", "etcd.password", password, "mp.app.name", "app",
                "etcd.registry.host", "127.0.0.1", "etcd.registry.port", "9200", "etcd.registry.ttl", "3s",
                "etcd.request-timeout", "2s");
    }

    @Test
    void expiredAuthTokensAreRenewedForWatchReadsWritesAndLeases() {
        try (EtcdCluster etcd = EtcdCluster.builder().authTokenTtl(Duration.ofSeconds(1)).start()) {
            Etcdctl root = authWithAppUser(etcd);
            try (CdiApp app = CdiApp.start(settings(etcd, PASSWORD))) {
                PrefixConfigSource source = PrefixConfigSource.of(app.config()).get(0);
                Registration self = app.bean(ServiceRegistry.class).selfRegistration().orElseThrow();
                long lease = self.leaseId().orElseThrow();
                for (int round = 1; round <= 3; round++) {
                    long idle = System.nanoTime();
                    await("token expired (TTL 1 s) while idle").pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5))
                            .until(() -> System.nanoTime() - idle >= Duration.ofMillis(2500).toNanos());
                    String value = "hello-" + round;
                    root.put("/config/application/greeting", value);
                    await("watch delivers after token expiry").atMost(Duration.ofSeconds(10))
                            .until(() -> value.equals(source.getValue("greeting")));
                    ConfigStore store = app.bean(ConfigStore.class);
                    store.saveConfig("round", Integer.toString(round));
                    assertThat(store.getConfig("round")).contains(Integer.toString(round));
                }
                assertThat(self.isRegistered()).isTrue();
                assertThat(self.leaseId()).as("lease kept alive across token expiries").hasValue(lease);
                assertThat(app.bean(ServiceRegistry.class).instances("app")).hasSize(1);
            }
            assertThat(root.getPrefix("/services/")).isEmpty();
        }
    }

    @Test
    void passwordAppearsInNoLogLineAndNoExceptionOfARunWithCredentials() {
        List<String> exceptions = new ArrayList<>();
        try (LogCapture log = LogCapture.everything(); EtcdCluster etcd = EtcdCluster.start()) {
            Etcdctl root = authWithAppUser(etcd);
            try (CdiApp app = CdiApp.start(settings(etcd, PASSWORD))) {
                PrefixConfigSource source = PrefixConfigSource.of(app.config()).get(0);
                exceptions.add(source.toString() + source.getName() + source.etcdSettings());
                app.bean(ConfigStore.class).saveConfig("x", "1");
                root.put("/config/app/y", "2");
                await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(source.getValue("y")));
                try {
                    app.bean(ConfigStore.class).at("/forbidden/").saveConfig("z", "3");
                } catch (RuntimeException e) {
                    exceptions.add(stackTrace(e));
                }
                etcd.stop(0);
                etcd.start(0);
                await().atMost(Duration.ofSeconds(20)).until(source::isLive);
            }
            try {
                CdiApp.start(settings(etcd, PASSWORD + "-wrong")).close();
            } catch (RuntimeException e) {
                exceptions.add(stackTrace(e));
            }
            assertThat(log.lines()).as("captured log lines").hasSizeGreaterThan(20);
            assertThat(log.all()).doesNotContain(PASSWORD);
            assertThat(exceptions).hasSize(3).allSatisfy(text -> assertThat(text).doesNotContain(PASSWORD));
        }
    }

    private static String stackTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
