package io.etcdmp.internal.registry;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.registry.InstanceSelector;
import io.etcdmp.registry.InFlightRequests;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry.Strategy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Choosing by status, zone and weight with each strategy (no etcd needed). */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class InstanceSelectorTest {
    private final SplittableRandom seeded = new SplittableRandom(42);
    private final InstanceSelector anywhere = new InstanceSelector(Optional.empty(), () -> seeded);

    private static ServiceInstance instance(String id, String... metadata) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i + 1 < metadata.length; i += 2) {
            m.put(metadata[i], metadata[i + 1]);
        }
        return new ServiceInstance("billing", id, "10.0.0.1", 8080, "http", m, Optional.empty());
    }

    private static List<String> picks(InstanceSelector selector, List<ServiceInstance> list, Strategy strategy, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(selector.choose("billing", list, strategy).orElseThrow().instanceId());
        }
        return ids;
    }

    private static Map<String, Integer> counts(List<String> ids) {
        Map<String, Integer> counts = new HashMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        return counts;
    }

    @Test
    void roundRobinWithEqualWeightsTakesEachInstanceInTurn() {
        List<ServiceInstance> list = List.of(instance("a"), instance("b"), instance("c"));
        assertThat(picks(anywhere, list, Strategy.ROUND_ROBIN, 6)).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void smoothWeightedRoundRobinSpreadsTheHeavyInstanceBetweenTheOthers() {
        List<ServiceInstance> list = List.of(instance("a", "weight", "5"), instance("b", "weight", "1"), instance("c", "weight", "1"));
        assertThat(picks(anywhere, list, Strategy.ROUND_ROBIN, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void roundRobinGivesEachInstanceExactlyItsWeightsShare() {
        List<ServiceInstance> list = List.of(instance("a", "weight", "100"), instance("b", "weight", "200"), instance("c"),
                instance("d", "weight", "300"));
        assertThat(counts(picks(anywhere, list, Strategy.ROUND_ROBIN, 700)))
                .isEqualTo(Map.of("a", 100, "b", 200, "c", 100, "d", 300));
    }

    @Test
    void roundRobinKeepsItsPlaceWhenTheListChanges() {
        List<ServiceInstance> two = List.of(instance("a"), instance("b"));
        assertThat(picks(anywhere, two, Strategy.ROUND_ROBIN, 1)).containsExactly("a");
        List<ServiceInstance> three = List.of(instance("a"), instance("b"), instance("c"));
        assertThat(picks(anywhere, three, Strategy.ROUND_ROBIN, 3)).as("not a again first").containsExactly("b", "c", "a");
    }

    @Test
    void randomFollowsTheWeights() {
        List<ServiceInstance> list = List.of(instance("a", "weight", "1"), instance("b", "weight", "3"));
        Map<String, Integer> counts = counts(picks(anywhere, list, Strategy.RANDOM, 20_000));
        assertThat(counts.get("b") / 20_000.0).isCloseTo(0.75, within(0.02));
    }

    @Test
    void weightZeroIsNeverChosenWhileAnotherInstanceHasWeight() {
        List<ServiceInstance> list = List.of(instance("idle", "weight", "0"), instance("busy", "weight", "1"));
        for (Strategy strategy : Strategy.values()) {
            assertThat(picks(anywhere, list, strategy, 200)).as(strategy.name()).containsOnly("busy");
        }
    }

    @Test
    void whenEveryWeightIsZeroTheyAreChosenEvenly() {
        List<ServiceInstance> list = List.of(instance("a", "weight", "0"), instance("b", "weight", "0"));
        assertThat(counts(picks(anywhere, list, Strategy.ROUND_ROBIN, 10))).isEqualTo(Map.of("a", 5, "b", 5));
    }

    @Test
    void onlyInstancesWithStatusUpAreChosenAndAMissingStatusCountsAsUp() {
        List<ServiceInstance> list = List.of(instance("draining", "status", "DRAINING"), instance("up", "status", "UP"),
                instance("unsaid"), instance("down", "status", "DOWN"));
        for (Strategy strategy : Strategy.values()) {
            assertThat(picks(anywhere, list, strategy, 200)).as(strategy.name()).containsOnly("up", "unsaid");
        }
        assertThat(anywhere.choose("billing", List.of(instance("d", "status", "DRAINING")), Strategy.ROUND_ROBIN)).isEmpty();
        assertThat(anywhere.choose("billing", List.of(), Strategy.RANDOM)).isEmpty();
    }

    @Test
    void aCallerWithAZoneChoosesOnlyUpInstancesOfItsZoneWhenThereAreAny() {
        InstanceSelector inEu1 = new InstanceSelector(Optional.of("eu-1"), () -> seeded);
        List<ServiceInstance> list = List.of(instance("eu1-a", "zone", "eu-1"), instance("eu1-b", "zone", "eu-1", "weight", "300"),
                instance("eu2", "zone", "eu-2"), instance("nowhere"));
        for (Strategy strategy : Strategy.values()) {
            assertThat(picks(inEu1, list, strategy, 200)).as(strategy.name()).containsOnly("eu1-a", "eu1-b");
        }
        assertThat(counts(picks(inEu1, list, Strategy.ROUND_ROBIN, 400))).isEqualTo(Map.of("eu1-a", 100, "eu1-b", 300));
    }

    @Test
    void whenNoInstanceOfTheCallersZoneIsUpEveryUpInstanceIsChosen() {
        InstanceSelector inEu1 = new InstanceSelector(Optional.of("eu-1"), () -> seeded);
        List<ServiceInstance> list = List.of(instance("eu1", "zone", "eu-1", "status", "DRAINING"),
                instance("eu2", "zone", "eu-2"), instance("nowhere"));
        assertThat(picks(inEu1, list, Strategy.ROUND_ROBIN, 4)).containsExactly("eu2", "nowhere", "eu2", "nowhere");
    }

    @Test
    void powerOfTwoNeverPicksTheInstanceWithTheMostRequestsInFlight() {
        List<ServiceInstance> list = List.of(instance("a"), instance("b"), instance("c"));
        InFlightRequests.Call first = anywhere.inFlight().begin(list.get(0));
        InFlightRequests.Call second = anywhere.inFlight().begin(list.get(0));
        assertThat(counts(picks(anywhere, list, Strategy.POWER_OF_TWO, 300))).containsOnlyKeys("b", "c");

        first.close();
        second.close();
        assertThat(counts(picks(anywhere, list, Strategy.POWER_OF_TWO, 300))).containsOnlyKeys("a", "b", "c");
    }

    @Test
    void powerOfTwoWithTwoInstancesAlwaysPicksTheLessBusyOne() {
        List<ServiceInstance> list = List.of(instance("a"), instance("b"));
        try (InFlightRequests.Call busy = anywhere.inFlight().begin(list.get(1))) {
            assertThat(picks(anywhere, list, Strategy.POWER_OF_TWO, 50)).containsOnly("a");
        }
        assertThat(picks(anywhere, List.of(instance("only")), Strategy.POWER_OF_TWO, 3)).containsOnly("only");
    }

    @Test
    void inFlightCountsBeginsAndEndsAndEndingTwiceCountsOnce() {
        InFlightRequests inFlight = anywhere.inFlight();
        ServiceInstance a = instance("a");
        InFlightRequests.Call one = inFlight.begin(a);
        InFlightRequests.Call two = inFlight.begin(a);
        assertThat(inFlight.count(a)).isEqualTo(2);
        one.close();
        one.close();
        assertThat(inFlight.count(a)).isEqualTo(1);
        two.close();
        assertThat(inFlight.count(a)).isZero();
        assertThat(inFlight.count(instance("never"))).isZero();
    }

    @Test
    void anInvalidWeightNamesTheInstanceAndTheMetadataKey() {
        assertThatThrownBy(() -> instance("x", "weight", "-1")).isInstanceOf(EtcdMicroprofileException.class)
                .hasMessageContaining("'-1'").hasMessageContaining("metadata weight of service instance billing/x");
        assertThatThrownBy(() -> instance("x", "weight", "1.5")).isInstanceOf(EtcdMicroprofileException.class);
        assertThatThrownBy(() -> instance("x", "weight", "99999999999")).isInstanceOf(EtcdMicroprofileException.class);
        assertThat(instance("x", "weight", " 7 ").weight()).isEqualTo(7);
    }
}
