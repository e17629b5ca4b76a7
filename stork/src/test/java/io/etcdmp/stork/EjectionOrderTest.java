package io.etcdmp.stork;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When every instance is ejected, the one offered is the one the registry keeps (the one that failed longest ago, by
 * {@code System.nanoTime()}), not the earliest wall-clock end of {@code ejected()}: the wall clock can step. A
 * registry whose wall clock stepped back between the two failures: its {@code ejected()} says {@code b} ends later,
 * its nanoTime order says {@code b} failed first.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EjectionOrderTest {
    static ServiceInstance instance(String id, int port) {
        return new ServiceInstance("billing", id, "127.0.0.1", port, "http", Map.of(), Optional.empty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void whenAllAreEjectedTheOneOfferedIsTheOneTheRegistryKeepsNotTheEarliestWallClockEnd() {
        List<ServiceInstance> both = List.of(instance("a", 7001), instance("b", 7002));
        Instant now = Instant.now();
        ServiceRegistry registry = (ServiceRegistry) Proxy.newProxyInstance(ServiceRegistry.class.getClassLoader(),
                new Class<?>[]{ServiceRegistry.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "follow", "watch" -> {
                        ((Consumer<List<ServiceInstance>>) args[1]).accept(both);
                        yield (AutoCloseable) () -> { };
                    }
                    case "instances" -> both;
                    case "ejected" -> Map.of("a", now.plusSeconds(1), "b", now.plusSeconds(5));
                    case "withoutEjected" -> List.of(both.get(1));
                    case "prefix" -> "/services/";
                    case "toString" -> "stepped-clock registry";
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        EtcdServiceDiscovery discovery = new EtcdServiceDiscovery("billing", () -> registry, null);
        List<io.smallrye.stork.api.ServiceInstance> offered = discovery.getServiceInstances().await().atMost(Duration.ofSeconds(10));
        assertThat(offered).extracting(io.smallrye.stork.api.ServiceInstance::getPort).containsExactly(7002);
    }
}
