package io.etcdmp.bench;

import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One registrant JVM of the registry-scale benchmark: holds many registrations on one connection, as a
 * JVM hosting many instances would. Args: endpoints, JVM index, services, instances, TTL seconds.
 * Prints {@code READY <n> <threads>} once all are registered; then reads commands:
 * {@code churn <per second> <seconds>} (registers that many new instances per second and deregisters
 * as many of the oldest churn instances), {@code stop} (deregisters all and exits).
 */
public final class ScaleRegistrant {
    private ScaleRegistrant() {
    }

    public static void main(String[] args) throws Exception {
        // one INFO line per registration would fill the pipe the benchmark reads only for READY and CHURNED
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String endpoints = args[0];
        int jvm = Integer.parseInt(args[1]);
        int services = Integer.parseInt(args[2]);
        int instances = Integer.parseInt(args[3]);
        String ttl = args[4] + "s";
        try (ServiceRegistry registry = Internals.registry(endpoints, Map.of("etcd.registry.ttl", ttl))) {
            List<Registration> held = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                held.add(registry.register(instance(jvm, i, services)));
            }
            for (Registration r : held) {
                while (!r.isRegistered()) {
                    TimeUnit.MILLISECONDS.sleep(10); // registration retries in the background; wait for it
                }
            }
            System.out.println("READY " + held.size() + " " + Thread.activeCount());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            ArrayDeque<Registration> churned = new ArrayDeque<>();
            int next = instances;
            for (String line = in.readLine(); line != null && !line.equals("stop"); line = in.readLine()) {
                String[] words = line.split(" ");
                if (words[0].equals("churn")) {
                    int perSecond = Integer.parseInt(words[1]);
                    int seconds = Integer.parseInt(words[2]);
                    long start = System.nanoTime();
                    for (int s = 0; s < seconds; s++) {
                        for (int k = 0; k < perSecond; k++) {
                            churned.add(registry.register(instance(jvm, next++, services)));
                            if (churned.size() > perSecond) {
                                churned.poll().close();
                            }
                        }
                        long due = start + TimeUnit.SECONDS.toNanos(s + 1);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait); // pacing the churn to its rate
                        }
                    }
                    System.out.println("CHURNED " + (next - instances) + " " + churned.size());
                    System.out.flush();
                }
            }
            registry.close();
        }
        System.out.println("STOPPED");
    }

    private static ServiceInstance instance(int jvm, int i, int services) {
        String service = "svc-" + (i % services);
        return new ServiceInstance(service, service + "-j" + jvm + "-" + i, "127.0.0.1", 20_000 + i % 40_000, "http",
                Map.of("jvm", Integer.toString(jvm)), Optional.empty());
    }
}
