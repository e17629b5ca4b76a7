package io.etcdmp.config;

import io.etcdmp.support.CdiApp;
import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.Etcdctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A prefix whose watch cannot be created again (its read permission revoked, then a reconnect) must not
 * hold back the changes of the other prefixes, nor flood the log: it is named once at WARNING with the
 * missing permission and the fix, retried quietly, and read again when the permission returns.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForbiddenPrefixTest {
    static final String ROOT_PW = "root-pw-Fb19";
    static final String USER = "orders";
    static final String USER_PW = "orders-pw-Fb27";
    static final String FORBIDDEN = "/config/application/";

    @Test
    void aPrefixWhoseReadPermissionIsRevokedStallsNoOtherPrefixAndIsNamedOnceInTheLog() {
        try (EtcdCluster etcd = EtcdCluster.start()) {
            etcd.ctl().put(FORBIDDEN + "shared", "s1");
            etcd.ctl().put("/config/orders/own", "o1");
            Etcdctl root = etcd.ctl().enableAuth(ROOT_PW);
            root.addUser(USER, USER_PW);
            root.addRole("orders-svc");
            root.grantRole(USER, "orders-svc");
            root.grantPermission("orders-svc", "read", FORBIDDEN, true);
            root.grantPermission("orders-svc", "read", "/config/orders/", true);

            try (LogCapture log = LogCapture.configured();
                 CdiApp app = CdiApp.start(CdiApp.settings(etcd.endpoints(), "etcd.user", USER, "etcd.password", USER_PW,
                         "mp.app.name", "orders", "etcd.registry.enabled", "false", "etcd.request-timeout", "2s"))) {
                EtcdConfigSource source = EtcdConfigSource.of(app.config()).get(0);
                assertThat(source.getValue("own")).isEqualTo("o1");
                int linesBefore = log.lines().size();

                root.run("role", "revoke-permission", "orders-svc", FORBIDDEN, "--prefix=true");
                etcd.stop(0);
                etcd.start(0);
                root.put("/config/orders/own", "o2");
                await("the first change of the readable prefix after the restart").atMost(Duration.ofSeconds(10))
                        .until(() -> "o2".equals(source.getValue("own")));
                long written = System.nanoTime();
                root.put("/config/orders/own", "o3");
                await("the next change").atMost(Duration.ofSeconds(2)).until(() -> "o3".equals(source.getValue("own")));
                System.out.printf("change of the readable prefix visible %d ms after the write%n", (System.nanoTime() - written) / 1_000_000);

                await("at most 2 lines about the forbidden prefix (INFO and above)").during(Duration.ofSeconds(30))
                        .atMost(Duration.ofSeconds(35)).until(() -> forbiddenLines(log, linesBefore).size() <= 2);
                assertThat(log.warningsContaining(FORBIDDEN)).as(log.all()).anySatisfy(line -> assertThat(line)
                        .contains("read permission").contains("'" + USER + "'")
                        .contains("etcdctl role grant-permission --prefix=true <role of the user> read " + FORBIDDEN));
                System.out.println("lines about the forbidden prefix:\n" + String.join("\n", forbiddenLines(log, linesBefore)));

                root.put(FORBIDDEN + "shared", "s2");
                root.grantPermission("orders-svc", "read", FORBIDDEN, true);
                await("the prefix read again once the permission is back").atMost(Duration.ofSeconds(15))
                        .until(() -> "s2".equals(source.getValue("shared")));
                root.put("/config/orders/own", "o4");
                await().atMost(Duration.ofSeconds(5)).until(() -> "o4".equals(source.getValue("own")));
                assertThat(log.all()).doesNotContain(USER_PW);
            }
        }
    }

    private static List<String> forbiddenLines(LogCapture log, int from) {
        List<String> lines = log.lines();
        return lines.subList(from, lines.size()).stream()
                .filter(l -> l.startsWith("INFO") || l.startsWith("WARNING") || l.startsWith("SEVERE"))
                .filter(l -> l.contains(FORBIDDEN)).toList();
    }
}
