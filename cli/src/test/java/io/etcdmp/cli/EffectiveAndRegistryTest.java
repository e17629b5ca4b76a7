package io.etcdmp.cli;

import io.etcdmp.testing.LocalEtcd;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.StringReader;

import static org.assertj.core.api.Assertions.assertThat;

/** effective (the source's layering), services and instances (the registry as the library reads it). */
@Timeout(120)
class EffectiveAndRegistryTest {
    @RegisterExtension
    static final LocalEtcd etcd = LocalEtcd.start();
    private Cli cli;

    @BeforeEach
    void cli() {
        cli = Cli.at(etcd.endpoints());
    }

    @Test
    void effectiveShowsEachPropertyWithTheLayerItComesFromAndWhatItOverrides() {
        etcd.put("/config/application/greeting", "hello");
        etcd.put("/config/application/db.url", "jdbc:shared");
        etcd.put("/config/orders/application.yaml", "db:\n  url: jdbc:document\n  pool: 5\n");
        etcd.put("/config/orders/db/url", "jdbc:orders");
        etcd.put("/config/billing/db.url", "jdbc:billing");

        Cli.Run run = cli.run("effective", "--app", "orders", "--documents", "application.yaml", "-o", "json");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonObject view = Json.createReader(new StringReader(run.out())).readObject();
        assertThat(view.getJsonArray("prefixes").getValuesAs(jakarta.json.JsonString.class))
                .extracting(jakarta.json.JsonString::getString).containsExactly("/config/application/", "/config/orders/");
        JsonArray properties = view.getJsonArray("properties");
        assertThat(properties).hasSize(3);
        JsonObject dbUrl = properties.getJsonObject(0);
        assertThat(dbUrl.getString("name")).isEqualTo("db.pool");
        JsonObject url = properties.getJsonObject(1);
        assertThat(url.getString("name")).isEqualTo("db.url");
        assertThat(url.getString("value")).isEqualTo("jdbc:orders");
        assertThat(url.getString("source")).isEqualTo("/config/orders/");
        assertThat(url.getJsonArray("overrides").stream().map(o -> o.asJsonObject().getString("source")))
                .containsExactly("/config/application/", "/config/orders/application.yaml");
        assertThat(properties.getJsonObject(2).getString("source")).isEqualTo("/config/application/");
        assertThat(cli.run("effective", "--app", "orders", "--prefixes", "/config/billing/").out())
                .contains("jdbc:billing").doesNotContain("hello");
    }

    @Test
    void servicesAndInstancesShowEveryRecordShapeWithStatusZoneWeightLeaseAndAge() {
        long lease = etcd.ctl().leaseGrant(60);
        etcd.ctl().run("put", "--lease=" + Long.toHexString(lease), "/services/billing/b-1",
                "{\"Addr\":\"10.0.0.5:8080\",\"Metadata\":{\"instanceId\":\"b-1\",\"scheme\":\"http\",\"status\":\"DRAINING\","
                        + "\"metadata\":{\"zone\":\"eu-1\",\"weight\":\"50\",\"api-token\":\"tok-in-metadata\"},\"registeredAt\":\"2026-01-01T00:00:00Z\"}}");
        etcd.put("/services/billing/b-2", "10.0.0.6:8081");
        etcd.put("/services/billing/b-3", "{\"host\":\"10.0.0.7\",\"port\":9090}");
        etcd.put("/services/billing/bad", "no shape at all");
        etcd.put("/services/orders/o-1", "http://10.0.1.1:80");

        Cli.Run services = cli.run("services");
        Cli.Run instances = cli.run("instances", "billing");
        Cli.Run json = cli.run("instances", "billing", "-o", "json");

        assertThat(services.code()).as(services.toString()).isZero();
        assertThat(services.out()).containsPattern("billing\\s+4\\s+2\\s+1").containsPattern("orders\\s+1\\s+1\\s+0");
        assertThat(instances.code()).as(instances.toString()).isZero();
        assertThat(instances.out()).containsPattern("b-1\\s+http://10.0.0.5:8080\\s+DRAINING\\s+eu-1\\s+50\\s+\\d+ s\\s+\\d+ d")
                .containsPattern("b-2\\s+http://10.0.0.6:8081\\s+UP\\s+-\\s+100\\s+no lease");
        assertThat(instances.err()).contains("/services/billing/bad");
        JsonObject b1 = Json.createReader(new StringReader(json.out())).readObject().getJsonArray("instances").getJsonObject(0);
        assertThat(b1.getString("status")).isEqualTo("DRAINING");
        assertThat(b1.getJsonNumber("ttlLeftSeconds").longValue()).isBetween(1L, 60L);
        assertThat(b1.getJsonObject("metadata").getString("api-token")).isEqualTo("(masked)");
        assertThat(services.all() + instances.all() + json.all()).doesNotContain("tok-in-metadata");
    }
}
