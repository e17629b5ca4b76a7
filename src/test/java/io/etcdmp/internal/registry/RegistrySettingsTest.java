package io.etcdmp.internal.registry;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class RegistrySettingsTest {
    private static RegistrySettings from(Map<String, String> map, Map<String, String> metadata) {
        return RegistrySettings.from(name -> Optional.ofNullable(map.get(name)), metadata);
    }

    @Test
    void defaultsFollowTheAppNameWithTenSecondLeasesUnderServices() {
        RegistrySettings s = from(Map.of("mp.app.name", "orders", "server.port", "7001"), Map.of());
        assertThat(s.serviceName()).contains("orders");
        assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.prefix()).isEqualTo("/services/");
        ServiceInstance self = s.selfInstance();
        assertThat(self.port()).as("runtime port (Helidon server.port)").isEqualTo(7001);
        assertThat(self.host()).isNotBlank();
        assertThat(self.instanceId()).isEqualTo(ServiceInstance.defaultId("orders", self.host(), 7001));
    }

    @Test
    void theReasonNotToRegisterNamesTheSettingToChange() {
        assertThat(from(Map.of("mp.app.name", "orders", "server.port", "7001"), Map.of()).whyNoSelfRegistration()).isEmpty();
        assertThat(from(Map.of("mp.app.name", "orders", "server.port", "7001", "etcd.registry.enabled", "false"), Map.of())
                .whyNoSelfRegistration()).hasValueSatisfying(why -> assertThat(why).contains("etcd.registry.enabled=false"));
        assertThat(from(Map.of("server.port", "7001"), Map.of()).whyNoSelfRegistration())
                .hasValueSatisfying(why -> assertThat(why).contains("No service name (etcd.registry.service-name or mp.app.name)"));
        assertThat(from(Map.of("mp.app.name", "orders"), Map.of()).whyNoSelfRegistration())
                .hasValueSatisfying(why -> assertThat(why).contains("mp.app.name is orders").contains("set etcd.registry.port"));
    }

    @Test
    void configOnlyUseIsToldAtInfoOncePerJvmNotAtEveryContainerStart() {
        RegistrySettings configOnly = from(Map.of("mp.app.name", "orders"), Map.of());
        configOnly.noSelfRegistrationLevel(); // INFO if no container of this JVM told it yet
        assertThat(configOnly.noSelfRegistrationLevel()).as("told again").isEqualTo(System.Logger.Level.DEBUG);
        assertThat(from(Map.of("mp.app.name", "orders"), Map.of()).noSelfRegistrationLevel()).as("another start")
                .isEqualTo(System.Logger.Level.DEBUG);
        RegistrySettings off = from(Map.of("mp.app.name", "orders", "server.port", "7001", "etcd.registry.enabled", "false"), Map.of());
        assertThat(off.noSelfRegistrationLevel()).isEqualTo(System.Logger.Level.INFO);
        assertThat(off.noSelfRegistrationLevel()).as("a setting that turns it off is told every time").isEqualTo(System.Logger.Level.INFO);
    }

    @Test
    void wildFlysPortIsItsHttpPortPlusItsPortOffset() {
        assertThat(from(Map.of("mp.app.name", "orders", "jboss.http.port", "8080"), Map.of()).selfInstance().port())
                .isEqualTo(8080);
        assertThat(from(Map.of("mp.app.name", "orders", "jboss.http.port", "8080",
                "jboss.socket.binding.port-offset", "100"), Map.of()).selfInstance().port()).isEqualTo(8180);
        assertThatThrownBy(() -> from(Map.of("jboss.http.port", "65500", "jboss.socket.binding.port-offset", "100"),
                Map.of())).isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("jboss.http.port")
                .hasMessageContaining("jboss.socket.binding.port-offset");
        assertThat(from(Map.of("mp.app.name", "orders", "etcd.registry.port", "9000",
                "jboss.socket.binding.port-offset", "100"), Map.of()).selfInstance().port())
                .as("an explicit port is taken as it is").isEqualTo(9000);
    }

    @Test
    void explicitSettingsWin() {
        RegistrySettings s = from(Map.of("mp.app.name", "x", "etcd.registry.service-name", "orders",
                "etcd.registry.instance-id", "orders-a", "etcd.registry.host", "10.0.0.5", "etcd.registry.port", "8443",
                "etcd.registry.scheme", "https", "etcd.registry.ttl", "30s", "etcd.registry.prefix", "/registry"),
                Map.of("zone", "eu-1"));
        ServiceInstance self = s.selfInstance();
        assertThat(self).isEqualTo(new ServiceInstance("orders", "orders-a", "10.0.0.5", 8443, "https", Map.of("zone", "eu-1"), Optional.empty()));
        assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.prefix()).isEqualTo("/registry/");
    }

    @Test
    void theAddressTheServerBindsIsRegisteredWhenNoHostIsSet() {
        RegistrySettings s = from(Map.of("mp.app.name", "orders", "server.port", "7001", "server.host", "127.0.0.1"), Map.of());
        ServiceInstance self = s.selfInstance();
        assertThat(self.host()).isEqualTo("127.0.0.1");
        assertThat(s.unreachableAddress(self)).isEmpty();
        RegistrySettings all = from(Map.of("mp.app.name", "orders", "server.port", "7001", "server.host", "0.0.0.0"), Map.of());
        assertThat(all.selfInstance().host()).as("a wildcard bind says nothing: the first non-loopback address").isNotEqualTo("0.0.0.0");
    }

    @Test
    void aRegisteredAddressTheServerDoesNotListenOnIsNamedWithTheFix() {
        RegistrySettings s = from(Map.of("mp.app.name", "orders", "server.port", "7001", "server.host", "127.0.0.1",
                "etcd.registry.host", "10.1.2.3"), Map.of());
        assertThat(s.unreachableAddress(s.selfInstance())).hasValueSatisfying(message -> assertThat(message)
                .contains("10.1.2.3").contains("127.0.0.1").contains("etcd.registry.host"));
    }

    @Test
    void badValuesNameTheirSetting() {
        assertThatThrownBy(() -> from(Map.of("etcd.registry.scheme", "ftp"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.scheme");
        assertThatThrownBy(() -> from(Map.of("etcd.registry.port", "99999"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.port");
        assertThatThrownBy(() -> from(Map.of("etcd.registry.ttl", "1s"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.ttl");
        assertThatThrownBy(() -> from(Map.of("mp.app.name", "orders"), Map.of()).selfInstance())
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.port");
    }

    @Test
    void theReportIntervalDefaultsToFiveSecondsAcceptsZeroAndNamesItselfWhenBad() {
        assertThat(from(Map.of(), Map.of()).reportInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(from(Map.of("etcd.registry.report-interval", "0"), Map.of()).reportInterval()).isZero();
        assertThat(from(Map.of("etcd.registry.report-interval", "0s"), Map.of()).reportInterval()).isZero();
        assertThat(from(Map.of("etcd.registry.report-interval", "500ms"), Map.of()).reportInterval()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> from(Map.of("etcd.registry.report-interval", "-1s"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.report-interval");
        assertThatThrownBy(() -> from(Map.of("etcd.registry.report-interval", "soon"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.report-interval");
    }

    @Test
    void disabledOrNamelessMeansNoSelfRegistration() {
        assertThat(from(Map.of(), Map.of()).selfRegistration()).isFalse();
        assertThat(from(Map.of("mp.app.name", "orders", "etcd.registry.enabled", "false"), Map.of()).selfRegistration()).isFalse();
        assertThat(from(Map.of("mp.app.name", "orders"), Map.of()).selfRegistration()).as("no port: config-only use").isFalse();
        assertThat(from(Map.of("mp.app.name", "orders", "etcd.registry.port", "80"), Map.of()).selfRegistration()).isTrue();
        assertThat(from(Map.of("etcd.registry.service-name", "orders"), Map.of()).selfRegistration()).isTrue();
    }

    @Test
    void discoveryStrategyDefaultsToRoundRobinAndAcceptsEachStrategyByName() {
        assertThat(from(Map.of(), Map.of()).strategy()).isEqualTo(ServiceRegistry.Strategy.ROUND_ROBIN);
        assertThat(from(Map.of("etcd.discovery.strategy", "random"), Map.of()).strategy()).isEqualTo(ServiceRegistry.Strategy.RANDOM);
        assertThat(from(Map.of("etcd.discovery.strategy", "power-of-two"), Map.of()).strategy())
                .isEqualTo(ServiceRegistry.Strategy.POWER_OF_TWO);
        assertThat(from(Map.of("etcd.discovery.strategy", "POWER_OF_TWO"), Map.of()).strategy())
                .isEqualTo(ServiceRegistry.Strategy.POWER_OF_TWO);
        assertThat(from(Map.of("etcd.discovery.strategy", "Round-Robin"), Map.of()).strategy())
                .isEqualTo(ServiceRegistry.Strategy.ROUND_ROBIN);
    }

    @Test
    void anUnknownStrategyOrABadWeightNamesItsSetting() {
        assertThatThrownBy(() -> from(Map.of("etcd.discovery.strategy", "fastest"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.discovery.strategy")
                .hasMessageContaining("'fastest'").hasMessageContaining("round-robin, random or power-of-two");
        assertThatThrownBy(() -> from(Map.of(), Map.of("weight", "-3")))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.registry.metadata.weight")
                .hasMessageContaining("'-3'");
    }

    @Test
    void theCallersZoneIsItsOwnZoneMetadata() {
        assertThat(from(Map.of(), Map.of("zone", "eu-1")).zone()).contains("eu-1");
        assertThat(from(Map.of(), Map.of()).zone()).isEmpty();
    }

    @Test
    void ejectTimeDefaultsToTenSecondsAcceptsZeroAsOffAndRefusesANegativeNamingTheSetting() {
        assertThat(from(Map.of(), Map.of()).ejectTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(from(Map.of("etcd.discovery.eject-time", "0s"), Map.of()).ejectTime()).isZero();
        assertThat(from(Map.of("etcd.discovery.eject-time", "2s"), Map.of()).ejectTime()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> from(Map.of("etcd.discovery.eject-time", "-1s"), Map.of()))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.discovery.eject-time");
    }

    @Test
    void drainTimeOfZeroAsDocumentedIsAccepted() {
        assertThat(from(Map.of("etcd.registry.drain-time", "0s"), Map.of()).drainTime()).isZero();
    }
}
