package io.etcdmp.bench;

import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A service that registers itself and then waits to be killed: {@code CrashVictim <endpoint> <service> <id> <ttl-seconds>}. */
public final class CrashVictim {
    private CrashVictim() {
    }

    public static void main(String[] args) throws Exception {
        RegistrySettings settings = RegistrySettings.from(
                name -> Optional.ofNullable(Map.of("etcd.registry.ttl", args[3] + "s").get(name)), Map.of());
        ServiceRegistry registry = new EtcdServiceRegistry(
                EtcdConnections.acquire(EtcdSettings.builder().endpoints(args[0]).build()), settings);
        registry.register(new ServiceInstance(args[1], args[2], "10.0.9.9", 8080, "http", Map.of(), Optional.empty()));
        System.out.println("REGISTERED");
        TimeUnit.MINUTES.sleep(2); // bounded: the benchmark kills it long before
        System.exit(1);
    }
}
