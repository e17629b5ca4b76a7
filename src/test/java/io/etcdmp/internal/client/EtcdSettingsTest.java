package io.etcdmp.internal.client;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class EtcdSettingsTest {
    private static EtcdSettings from(Map<String, String> map) {
        return EtcdSettings.from(name -> Optional.ofNullable(map.get(name)));
    }

    @Test
    void defaultsPointAtLocalEtcdWithFiveSecondTimeouts() {
        EtcdSettings s = from(Map.of());
        assertThat(s.endpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.keepaliveTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.tls()).isFalse();
    }

    @Test
    void endpointsListAndDurationsAreParsed() {
        EtcdSettings s = from(Map.of("etcd.endpoints", "http://127.0.0.1:1, https://127.0.0.1:2",
                "etcd.connect-timeout", "1500ms", "etcd.request-timeout", "PT2S",
                "etcd.keepalive-time", "30s", "etcd.keepalive-timeout", "2s"));
        assertThat(s.endpoints()).hasSize(2);
        assertThat(s.tls()).isTrue();
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.keepaliveTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anEndpointWithoutSchemeIsReadAsHttpAsEtcdctlReadsIt() {
        EtcdSettings s = from(Map.of("etcd.endpoints", "127.0.0.1:23791, etcd.local:2379,[::1]:2379"));
        assertThat(s.endpoints()).containsExactly(URI.create("http://127.0.0.1:23791"), URI.create("http://etcd.local:2379"),
                URI.create("http://[::1]:2379"));
        assertThat(s.endpoints()).extracting(URI::getHost).containsExactly("127.0.0.1", "etcd.local", "[::1]");
        assertThat(s.endpoints()).extracting(URI::getPort).containsExactly(23791, 2379, 2379);
        assertThat(s.endpointList()).isEqualTo("http://127.0.0.1:23791,http://etcd.local:2379,http://[::1]:2379");
        assertThat(s.tls()).isFalse();
    }

    @Test
    void anEndpointWithoutSchemeStillNeedsAPort() {
        assertThatThrownBy(() -> from(Map.of("etcd.endpoints", "etcd.local")))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.endpoints")
                .hasMessageContaining("'etcd.local'").hasMessageContaining("host and port");
    }

    @Test
    void malformedEndpointNamesTheSettingAndTheUrl() {
        assertThatThrownBy(() -> from(Map.of("etcd.endpoints", "ftp://127.0.0.1:2379")))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.endpoints").hasMessageContaining("ftp://127.0.0.1:2379");
        assertThatThrownBy(() -> from(Map.of("etcd.endpoints", "http://127.0.0.1")))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("host and port");
    }

    @Test
    void badDurationNamesTheSetting() {
        assertThatThrownBy(() -> from(Map.of("etcd.request-timeout", "soon")))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.request-timeout").hasMessageContaining("soon");
    }

    @Test
    void userWithoutPasswordIsRejected() {
        assertThatThrownBy(() -> from(Map.of("etcd.user", "root")))
                .isInstanceOf(EtcdMicroprofileException.class).hasMessageContaining("etcd.password");
    }

    @Test
    void passwordNeverAppearsInToStringAndCredentialsInUrlAreRefusedWithoutEcho() {
        EtcdSettings s = from(Map.of("etcd.user", "root", "etcd.password", "hunter2"));
        assertThat(s.toString()).doesNotContain("hunter2").contains("user=root");
        assertThatThrownBy(() -> from(Map.of("etcd.endpoints", "http://root:hunter2@127.0.0.1:2379")))
                .isInstanceOf(EtcdMicroprofileException.class).satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void equalSettingsAreEqualSoTheyShareAConnection() {
        assertThat(from(Map.of("etcd.user", "u", "etcd.password", "p"))).isEqualTo(from(Map.of("etcd.user", "u", "etcd.password", "p")));
        assertThat(from(Map.of("etcd.user", "u", "etcd.password", "p"))).isNotEqualTo(from(Map.of("etcd.user", "u", "etcd.password", "q")));
    }
}
