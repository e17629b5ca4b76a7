package io.etcdmp.internal.registry;

import io.etcdmp.registry.ServiceInstance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The instances of one service a call may go to, with their weights, made once per change of the
 * service's instance list: those with status {@code UP}; of those, the caller's zone only when at least
 * one is in it; of those, the ones with a weight above 0 (all of them, weighing 1 each, when every
 * weight is 0). Immutable.
 */
final class Candidates {
    static final Candidates NONE = new Candidates(List.of(), new int[0]);

    private final List<ServiceInstance> instances;
    private final int[] weights;
    /** cumulative[i] = weights[0] + ... + weights[i]. */
    private final long[] cumulative;

    private Candidates(List<ServiceInstance> instances, int[] weights) {
        this.instances = instances;
        this.weights = weights;
        this.cumulative = new long[weights.length];
        long sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
    }

    /** The candidates among {@code all} for a caller in {@code zone}. */
    static Candidates of(List<ServiceInstance> all, Optional<String> zone) {
        List<ServiceInstance> up = new ArrayList<>(all.size());
        for (ServiceInstance instance : all) {
            if (instance.isUp()) {
                up.add(instance);
            }
        }
        if (zone.isPresent()) {
            List<ServiceInstance> local = up.stream()
                    .filter(i -> zone.get().equals(i.metadata().get(ServiceInstance.ZONE))).toList();
            if (!local.isEmpty()) {
                up = local;
            }
        }
        List<ServiceInstance> weighted = up.stream().filter(i -> i.weight() > 0).toList();
        if (weighted.isEmpty()) {
            int[] ones = new int[up.size()];
            Arrays.fill(ones, 1);
            return new Candidates(List.copyOf(up), ones);
        }
        return new Candidates(weighted, weighted.stream().mapToInt(ServiceInstance::weight).toArray());
    }

    /** These candidates at {@code indexes} only, with their weights. */
    Candidates only(List<Integer> indexes) {
        List<ServiceInstance> kept = new ArrayList<>(indexes.size());
        int[] keptWeights = new int[indexes.size()];
        for (int i = 0; i < keptWeights.length; i++) {
            kept.add(instances.get(indexes.get(i)));
            keptWeights[i] = weights[indexes.get(i)];
        }
        return new Candidates(List.copyOf(kept), keptWeights);
    }

    int size() {
        return instances.size();
    }

    ServiceInstance get(int index) {
        return instances.get(index);
    }

    int weight(int index) {
        return weights[index];
    }

    long totalWeight() {
        return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /** An index drawn with probability proportional to its weight. */
    int weightedRandom(RandomGenerator random) {
        return indexAt(random.nextLong(totalWeight()));
    }

    /** An index other than {@code excluded}, drawn with probability proportional to its weight; needs size() > 1. */
    int weightedRandomExcept(int excluded, RandomGenerator random) {
        long point = random.nextLong(totalWeight() - weights[excluded]);
        long excludedStart = cumulative[excluded] - weights[excluded];
        return indexAt(point < excludedStart ? point : point + weights[excluded]);
    }

    /** The index whose weight range holds {@code point} (0 &le; point &lt; total; every weight is above 0). */
    private int indexAt(long point) {
        int found = Arrays.binarySearch(cumulative, point + 1);
        return found >= 0 ? found : -found - 1;
    }
}
