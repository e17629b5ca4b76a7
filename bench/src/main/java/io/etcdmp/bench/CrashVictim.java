package io.etcdmp.bench;

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
        ServiceRegistry registry = Internals.registry(args[0], Map.of("etcd.registry.ttl", args[3] + "s"));
        registry.register(new ServiceInstance(args[1], args[2], "10.0.9.9", 8080, "http", Map.of(), Optional.empty()));
        System.out.println("REGISTERED");
        TimeUnit.MINUTES.sleep(2); // bounded: the benchmark kills it long before
        System.exit(1);
    }
}
