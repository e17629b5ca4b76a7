package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code etcdmp instances}: the config revision each instance published, and which lag the newest of their service. */
@Timeout(120)
class InstancesConfigRevisionTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();

    private static String record(String id, String address, String revision, String stale) {
        return "{\"Addr\":\"" + address + "\",\"Metadata\":{\"instanceId\":\"" + id + "\",\"scheme\":\"http\","
                + "\"metadata\":{\"configRevision\":\"" + revision + "\",\"configStale\":\"" + stale + "\"}}}";
    }

    @Test
    void instancesShowTheConfigRevisionAndMarkThoseBehindTheNewestOrStale() {
        etcd.put("/services/orders/o-1", record("o-1", "10.0.0.1:8080", "120", "false"));
        etcd.put("/services/orders/o-2", record("o-2", "10.0.0.2:8080", "97", "false"));
        etcd.put("/services/orders/o-3", record("o-3", "10.0.0.3:8080", "97", "true"));
        etcd.put("/services/orders/o-4", "10.0.0.4:8080"); // another tool's record: no revision

        Cli cli = Cli.at(etcd.endpoints());
        Cli.Run table = cli.run("instances", "orders");
        Cli.Run json = cli.run("instances", "orders", "-o", "json");

        assertThat(table.code()).as(table.toString()).isZero();
        assertThat(table.out()).contains("CONFIG REV")
                .containsPattern("o-1\\s+http://10.0.0.1:8080.*\\s120\\s*\\n")
                .containsPattern("o-2\\s+http://10.0.0.2:8080.*\\s97 behind\\s*\\n")
                .containsPattern("o-3\\s+http://10.0.0.3:8080.*\\s97 behind stale\\s*\\n")
                .containsPattern("o-4\\s+http://10.0.0.4:8080.*\\s-\\s*\\n");
        JsonObject view = Json.createReader(new StringReader(json.out())).readObject();
        assertThat(view.getJsonNumber("newestConfigRevision").longValue()).isEqualTo(120);
        JsonArray instances = view.getJsonArray("instances");
        assertThat(instances).hasSize(4);
        JsonObject o1 = instances.getJsonObject(0);
        JsonObject o3 = instances.getJsonObject(2);
        JsonObject o4 = instances.getJsonObject(3);
        assertThat(o1.getJsonNumber("configRevision").longValue()).isEqualTo(120);
        assertThat(o1.getBoolean("configBehind")).isFalse();
        assertThat(o3.getJsonNumber("configRevision").longValue()).isEqualTo(97);
        assertThat(o3.getBoolean("configBehind")).isTrue();
        assertThat(o3.getBoolean("configStale")).isTrue();
        assertThat(o4.containsKey("configRevision")).isFalse();
        assertThat(o4.getBoolean("configStale")).isFalse();
    }
}
