package io.etcdmp.registry;

import io.etcdmp.support.LogCapture;
import io.etcdmp.testing.SharedEtcd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Discovery from the watched cache: foreign records, bad records, watch events and choosing instances. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiscoveryTest {
    @RegisterExtension
    static final SharedEtcd etcd = new SharedEtcd("/services/");
    static RegistryFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new RegistryFixture(etcd.endpoints());
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void handWrittenGrpcNamingRecordIsDiscovered() {
        etcd.ctl().put("/services/greeter/go-instance-1", "{\"Addr\":\"127.0.0.1:50051\"}");
        etcd.ctl().put("/services/greeter/go-instance-2", "{\"Addr\":\"[::1]:50052\",\"Metadata\":{\"weight\":3}}");
        // the fixture follows most services through one watch on the prefix: its cache gets the puts a moment later
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("greeter").size() == 2);
        List<ServiceInstance> instances = fixture.registry.instances("greeter");
        ServiceInstance first = instances.get(0);
        assertThat(first.instanceId()).isEqualTo("go-instance-1");
        assertThat(first.address()).isEqualTo("127.0.0.1:50051");
        assertThat(first.scheme()).isEqualTo("http");
        ServiceInstance second = instances.get(1);
        assertThat(second.host()).isEqualTo("::1");
        assertThat(second.address()).isEqualTo("[::1]:50052");
        assertThat(second.metadata()).containsEntry("weight", "3");
    }

    @Test
    void malformedForeignRecordsAreSkippedAndTheRestIsServed() {
        etcd.ctl().put("/services/mixed/not-json", "hello");
        etcd.ctl().put("/services/mixed/no-addr", "{\"Metadata\":{}}");
        etcd.ctl().put("/services/mixed/bad-port", "{\"Addr\":\"127.0.0.1:http\"}");
        etcd.ctl().put("/services/mixed/nested/deeper", "{\"Addr\":\"127.0.0.1:2\"}");
        etcd.ctl().put("/services/mixed/good", "{\"Addr\":\"127.0.0.1:1\"}"); // last: once it is in, so are the others
        await().atMost(Duration.ofSeconds(5)).until(() -> !fixture.registry.instances("mixed").isEmpty());
        assertThat(fixture.registry.instances("mixed")).extracting(ServiceInstance::instanceId).containsExactly("good");

        etcd.ctl().put("/services/mixed/good", "garbage now");
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("mixed").isEmpty());
    }

    @Test
    void watcherSeesJoinMetadataChangeAndLeave() throws Exception {
        List<List<ServiceInstance>> seen = new CopyOnWriteArrayList<>();
        fixture.registry.instances("orders");
        try (AutoCloseable watch = fixture.registry.watch("orders", seen::add);
             RegistryFixture other = new RegistryFixture(etcd.endpoints())) {
            ServiceInstance v1 = ServiceInstance.of("orders", "127.0.0.1", 8080).withMetadata(Map.of("version", "1"));
            Registration joined = other.registry.register(v1);
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
            assertThat(seen.get(0)).extracting(i -> i.metadata().get("version")).containsExactly("1");

            joined.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            assertThat(seen.get(1)).isEmpty();

            other.registry.register(v1.withMetadata(Map.of("version", "2")));
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 3);
            assertThat(seen.get(2)).extracting(i -> i.metadata().get("version")).containsExactly("2");
            assertThat(seen.get(2).get(0).registeredAt()).isPresent();
        }
    }

    @Test
    void roundRobinSpreadsEvenlyAndRandomPicksOnlyRegisteredInstances() {
        for (int i = 0; i < 4; i++) {
            etcd.ctl().put("/services/spread/i" + i, "{\"Addr\":\"127.0.0.1:" + (9000 + i) + "\"}");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("spread").size() == 4);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            counts.merge(fixture.registry.choose("spread").orElseThrow().port(), 1, Integer::sum);
        }
        assertThat(counts).containsOnlyKeys(9000, 9001, 9002, 9003);
        assertThat(counts.values()).containsOnly(100);
        for (int i = 0; i < 100; i++) {
            assertThat(fixture.registry.choose("spread", ServiceRegistry.Strategy.RANDOM).orElseThrow().port())
                    .isBetween(9000, 9003);
        }
        assertThat(fixture.registry.choose("nobody")).isEmpty();
    }

    @Test
    void everyRecordShapeIsListedAndALegacyDeleteIsNot() {
        etcd.ctl().put("/services/shapes/grpc", "{\"Addr\":\"10.0.0.1:8080\",\"Metadata\":\"m\"}");
        etcd.ctl().put("/services/shapes/legacy-add", "{\"Op\":0,\"Addr\":\"10.0.0.2:8080\"}");
        etcd.ctl().put("/services/shapes/legacy-delete", "{\"Op\":1,\"Addr\":\"10.0.0.3:8080\"}");
        etcd.ctl().put("/services/shapes/seed", "{\"host\":\"10.0.0.4\",\"port\":3000,\"version\":\"1.0.0\"}");
        etcd.ctl().put("/services/shapes/plain", "10.0.0.5:3000");
        etcd.ctl().put("/services/shapes/url", "https://10.0.0.6:8443/api");
        try (LogCapture log = LogCapture.configured()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("shapes").stream()
                    .anyMatch(i -> i.instanceId().equals("url"))); // the last put: the others are in
            assertThat(fixture.registry.instances("shapes"))
                    .extracting(i -> i.instanceId() + " " + i.uri() + " " + i.metadata())
                    .containsExactly("grpc http://10.0.0.1:8080 {metadata=m}", "legacy-add http://10.0.0.2:8080 {}",
                            "plain http://10.0.0.5:3000 {}", "seed http://10.0.0.4:3000 {version=1.0.0}",
                            "url https://10.0.0.6:8443 {path=/api}");
            assertThat(log.warningsContaining("legacy-delete")).as("a delete is no error").isEmpty();
        }
    }

    @Test
    void aRecordOfNoShapeIsWarnedAboutOncePerKeyAndRevisionNotPerLookupOrEvent() {
        try (LogCapture log = LogCapture.configured()) {
            etcd.ctl().put("/services/warned/bad", "{\"host\":\"10.0.0.1\"}");
            for (int i = 0; i < 5; i++) {
                assertThat(fixture.registry.instances("warned")).extracting(ServiceInstance::instanceId).doesNotContain("bad");
                fixture.registry.choose("warned");
                etcd.ctl().put("/services/warned/good-" + i, "10.0.0.1:" + (1000 + i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> fixture.registry.instances("warned").size() == 5);
            assertThat(log.warningsContaining("/services/warned/bad")).hasSize(1).allSatisfy(line ->
                    assertThat(line).contains("no \"port\""));

            etcd.ctl().put("/services/warned/bad", "{\"host\":\"10.0.0.1\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> log.warningsContaining("/services/warned/bad").size() == 2);
        }
    }

    @Test
    void chooseSkipsDrainingInstancesAndFollowsTheConfiguredStrategy() throws Exception {
        etcd.ctl().put("/services/drain/a", "{\"Addr\":\"10.0.0.1:1\",\"Metadata\":{\"status\":\"UP\"}}");
        etcd.ctl().put("/services/drain/b", "{\"Addr\":\"10.0.0.2:1\",\"Metadata\":{\"status\":\"DRAINING\"}}");
        etcd.ctl().put("/services/drain/c", "{\"host\":\"10.0.0.3\",\"port\":1,\"weight\":0}");
        etcd.ctl().put("/services/pick/x", "{\"Addr\":\"10.0.0.4:1\"}");
        etcd.ctl().put("/services/pick/y", "{\"Addr\":\"10.0.0.5:1\"}");
        try (RegistryFixture random = new RegistryFixture(etcd.endpoints(), "etcd.discovery.strategy", "random");
             RegistryFixture roundRobin = new RegistryFixture(etcd.endpoints())) {
            assertThat(random.registry.settings().strategy()).isEqualTo(ServiceRegistry.Strategy.RANDOM);
            // the strategy followed, not only parsed: of two equal instances, round-robin alternates; random
            // picks both, and not in turn (200 draws in strict alternation: a chance of 2^-199)
            StringBuilder inTurn = new StringBuilder();
            StringBuilder drawn = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                inTurn.append(roundRobin.registry.choose("pick").orElseThrow().instanceId());
                drawn.append(random.registry.choose("pick").orElseThrow().instanceId());
            }
            assertThat(inTurn.toString()).as("round-robin's picks").matches("(xy)+|(yx)+");
            assertThat(drawn.toString()).as("random's picks").contains("x", "y").containsAnyOf("xx", "yy")
                    .doesNotMatch("(xy)+|(yx)+");
            for (int i = 0; i < 50; i++) {
                assertThat(random.registry.choose("drain").orElseThrow().instanceId()).isEqualTo("a");
            }
            etcd.ctl().put("/services/drain/a", "{\"Addr\":\"10.0.0.1:1\",\"Metadata\":{\"status\":\"DRAINING\"}}");
            await().atMost(Duration.ofSeconds(5)).until(() -> random.registry.choose("drain")
                    .map(ServiceInstance::instanceId).equals(Optional.of("c")));
            etcd.ctl().put("/services/drain/c", "{\"host\":\"10.0.0.3\",\"port\":1,\"status\":\"DRAINING\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> random.registry.choose("drain").isEmpty());
            assertThat(random.registry.instances("drain")).as("listed all the same").hasSize(3);
        }
    }
}
