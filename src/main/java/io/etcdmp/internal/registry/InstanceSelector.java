package io.etcdmp.internal.registry;

import io.etcdmp.registry.InFlightRequests;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry.Strategy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Chooses one instance of a service per call among its {@link Candidates} (status, zone, weight):
 * smooth weighted round-robin, weighted random, or the one with fewer requests in flight of two drawn
 * by weight. The candidates are worked out once per instance list the cache hands over, not per call.
 * Thread-safe; only round-robin takes a lock (per service, held for a few array steps).
 */
final class InstanceSelector {
    private final Optional<String> zone;
    private final Supplier<RandomGenerator> random;
    private final InFlightRequests inFlight;
    private final Map<String, Rotation> rotations = new ConcurrentHashMap<>();
    private final Ejections ejections;

    /**
     * @param zone the caller's zone ({@code etcd.registry.metadata.zone}), if any
     * @param ejectTime how long a failed connection keeps an instance out of choice ({@code etcd.discovery.eject-time})
     */
    InstanceSelector(Optional<String> zone, Duration ejectTime) {
        this(zone, ThreadLocalRandom::current, ejectTime);
    }

    /** As the registry makes it: in-flight counts are read only when its own strategy is {@code power-of-two}. */
    InstanceSelector(Optional<String> zone, Duration ejectTime, Strategy strategy) {
        this(zone, ThreadLocalRandom::current, ejectTime, strategy == Strategy.POWER_OF_TWO);
    }

    InstanceSelector(Optional<String> zone) {
        this(zone, ThreadLocalRandom::current, Duration.ZERO);
    }

    InstanceSelector(Optional<String> zone, Supplier<RandomGenerator> random) {
        this(zone, random, Duration.ZERO);
    }

    InstanceSelector(Optional<String> zone, Supplier<RandomGenerator> random, Duration ejectTime) {
        this(zone, random, ejectTime, true);
    }

    private InstanceSelector(Optional<String> zone, Supplier<RandomGenerator> random, Duration ejectTime, boolean countsRead) {
        this.inFlight = new InFlightRequests(countsRead);
        this.zone = zone;
        this.random = random;
        this.ejections = new Ejections(ejectTime);
    }

    Ejections ejections() {
        return ejections;
    }

    InFlightRequests inFlight() {
        return inFlight;
    }

    /** One instance of {@code service} out of {@code instances} (the cache's current list), if any qualifies. */
    Optional<ServiceInstance> choose(String service, List<ServiceInstance> instances, Strategy strategy) {
        if (instances.isEmpty()) {
            return Optional.empty();
        }
        Rotation rotation = rotations.computeIfAbsent(service, s -> new Rotation());
        Candidates candidates = ejections.filter(service, rotation.candidates(instances, zone));
        if (candidates.size() == 0) {
            return Optional.empty();
        }
        switch (strategy) {
            case RANDOM:
                return Optional.of(candidates.get(candidates.weightedRandom(random.get())));
            case POWER_OF_TWO:
                return Optional.of(fewerInFlight(candidates));
            default:
                return Optional.of(rotation.next(candidates));
        }
    }

    private ServiceInstance fewerInFlight(Candidates candidates) {
        RandomGenerator r = random.get();
        int firstIndex = candidates.weightedRandom(r);
        ServiceInstance one = candidates.get(firstIndex);
        if (candidates.size() == 1) {
            return one;
        }
        ServiceInstance other = candidates.get(candidates.weightedRandomExcept(firstIndex, r));
        return inFlight.count(other) < inFlight.count(one) ? other : one;
    }

    /**
     * One service's candidates, remade when the instance list changes, and its smooth weighted
     * round-robin state (nginx's: each pick adds every weight to its instance's current value, takes
     * the highest and subtracts the total from it; weights 5,1,1 give a a b a c a a, not a a a a a b c).
     */
    private static final class Rotation {
        private volatile Prepared prepared = new Prepared(List.of(), Candidates.NONE);
        private Candidates rotating = Candidates.NONE;
        private long[] current = new long[0];

        private record Prepared(List<ServiceInstance> from, Candidates candidates) {
            @Override
            public boolean equals(Object other) {
                return other == this || other instanceof Prepared that
                        && Objects.equals(from, that.from)
                        && Objects.equals(candidates, that.candidates);
            }

            @Override
            public int hashCode() {
                return Objects.hash(from, candidates);
            }

            @Override
            public String toString() {
                return "Prepared[from=" + from + ", candidates=" + String.valueOf(candidates) + "]";
            }
        }

        Candidates candidates(List<ServiceInstance> instances, Optional<String> zone) {
            Prepared p = prepared;
            if (p.from != instances) {
                p = new Prepared(instances, Candidates.of(instances, zone));
                prepared = p;
            }
            return p.candidates;
        }

        synchronized ServiceInstance next(Candidates candidates) {
            if (candidates != rotating) {
                carryOver(candidates);
            }
            int best = 0;
            for (int i = 0; i < current.length; i++) {
                current[i] += candidates.weight(i);
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= candidates.totalWeight();
            return candidates.get(best);
        }

        /** Instances that stay keep their place in the rotation; new ones start at 0. */
        private void carryOver(Candidates next) {
            Map<String, Long> before = new HashMap<>();
            for (int i = 0; i < current.length; i++) {
                before.put(rotating.get(i).instanceId(), current[i]);
            }
            long[] now = new long[next.size()];
            for (int i = 0; i < now.length; i++) {
                now[i] = before.getOrDefault(next.get(i).instanceId(), 0L);
            }
            rotating = next;
            current = now;
        }
    }
}
