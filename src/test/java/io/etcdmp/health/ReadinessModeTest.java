package io.etcdmp.health;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.health.EtcdStatus;
import io.etcdmp.internal.health.ReadinessMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code etcd.health.readiness}: its values, its default, its error; and what each mode makes of a status. */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReadinessModeTest {

    private static ReadinessMode mode(String value) {
        return ReadinessMode.from(name -> name.equals(ReadinessMode.SETTING) ? Optional.ofNullable(value) : Optional.empty());
    }

    private static EtcdStatus status(boolean reachable, boolean loaded, boolean draining) {
        return new EtcdStatus(reachable, reachable, reachable, 7, Optional.empty(), false, draining, loaded,
                reachable ? 0 : 1_000);
    }

    @Test
    void servingIsTheDefaultAndBothValuesAreRead() {
        assertThat(mode(null)).isEqualTo(ReadinessMode.SERVING);
        assertThat(mode(" Connected ")).isEqualTo(ReadinessMode.CONNECTED);
        assertThat(mode("serving")).isEqualTo(ReadinessMode.SERVING);
    }

    @Test
    void anUnknownValueFailsNamingTheSettingAndTheValues() {
        assertThatThrownBy(() -> mode("strict")).isInstanceOf(EtcdMicroprofileException.class)
                .hasMessageContaining("etcd.health.readiness").hasMessageContaining("'strict'")
                .hasMessageContaining("serving").hasMessageContaining("connected");
    }

    @Test
    void servingIsUpWhileUnreachableButNeverBeforeLoadingOrWhileDraining() {
        assertThat(status(false, true, false).up(ReadinessMode.SERVING)).isTrue();
        assertThat(status(false, true, false).stale()).isTrue();
        assertThat(status(true, false, false).up(ReadinessMode.SERVING)).isFalse();
        assertThat(status(true, true, true).up(ReadinessMode.SERVING)).isFalse();
    }

    @Test
    void connectedIsDownWhileUnreachable() {
        assertThat(status(false, true, false).up(ReadinessMode.CONNECTED)).isFalse();
        assertThat(status(true, true, false).up(ReadinessMode.CONNECTED)).isTrue();
        assertThat(status(true, true, true).up(ReadinessMode.CONNECTED)).isFalse();
    }
}
