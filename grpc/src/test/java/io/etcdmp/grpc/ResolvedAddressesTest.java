package io.etcdmp.grpc;

import io.etcdmp.registry.ServiceInstance;
import io.grpc.EquivalentAddressGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which instances become addresses, with which attributes, and which targets are accepted. */
@Timeout(10)
class ResolvedAddressesTest {
    private static ServiceInstance instance(String id, int port, Map<String, String> metadata) {
        return new ServiceInstance("billing", id, "127.0.0.1", port, "http", metadata, Optional.empty());
    }

    @Test
    void onlyUpInstancesOfTheCallersZoneWhenAnyIsThereWithWeightAndIdAsAttributes() {
        List<ServiceInstance> all = List.of(
                instance("a", 1, Map.of("zone", "eu-1", "weight", "3")),
                instance("b", 2, Map.of("zone", "eu-2")),
                instance("c", 3, Map.of("zone", "eu-1", "status", "DRAINING")));
        List<EquivalentAddressGroup> local = EtcdNameResolver.addresses(all, Optional.of("eu-1"));
        assertThat(local).hasSize(1);
        assertThat(((InetSocketAddress) local.get(0).getAddresses().get(0)).getPort()).isEqualTo(1);
        assertThat(local.get(0).getAttributes().get(EtcdNameResolverProvider.WEIGHT)).isEqualTo(3);
        assertThat(local.get(0).getAttributes().get(EtcdNameResolverProvider.INSTANCE_ID)).isEqualTo("a");

        assertThat(EtcdNameResolver.addresses(all, Optional.of("us-1"))).hasSize(2); // none there: every UP one
        assertThat(EtcdNameResolver.addresses(all, Optional.empty())).hasSize(2);
    }

    @Test
    void weightZeroGetsNoAddressWhileAnotherHasWeight() {
        List<ServiceInstance> all = List.of(instance("a", 1, Map.of("weight", "0")), instance("b", 2, Map.of()));
        assertThat(EtcdNameResolver.addresses(all, Optional.empty())).extracting(g -> g.getAttributes().get(EtcdNameResolverProvider.INSTANCE_ID))
                .containsExactly("b");
    }

    @Test
    void targetsNameOneServiceWithoutAuthority() {
        assertThat(EtcdNameResolverProvider.serviceOf(URI.create("etcd:///billing"))).isEqualTo("billing");
        assertThatThrownBy(() -> EtcdNameResolverProvider.serviceOf(URI.create("etcd:///billing/v2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("etcd:///<service>");
        assertThatThrownBy(() -> EtcdNameResolverProvider.serviceOf(URI.create("etcd:///")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
