package io.etcdmp.registry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ServiceInstance#configRevision()} and {@link ServiceInstance#configStale()} read from metadata. */
@Tag("unit")
class ServiceInstanceConfigRevisionTest {
    private static ServiceInstance with(Map<String, String> metadata) {
        return ServiceInstance.of("orders", "10.0.0.5", 8080).withMetadata(metadata);
    }

    @Test
    void aPublishedRevisionAndStalenessAreRead() {
        ServiceInstance i = with(Map.of(ServiceInstance.CONFIG_REVISION, "1234", ServiceInstance.CONFIG_STALE, "true"));
        assertThat(i.configRevision()).hasValue(1234);
        assertThat(i.configStale()).isTrue();
    }

    @Test
    void recordsOfOtherToolsOrUnreadableValuesAreEmptyAndNotStale() {
        assertThat(with(Map.of()).configRevision()).isEmpty();
        assertThat(with(Map.of()).configStale()).isFalse();
        assertThat(with(Map.of(ServiceInstance.CONFIG_REVISION, "r12", ServiceInstance.CONFIG_STALE, "maybe")).configRevision()).isEmpty();
        assertThat(with(Map.of(ServiceInstance.CONFIG_STALE, "maybe")).configStale()).isFalse();
    }
}
