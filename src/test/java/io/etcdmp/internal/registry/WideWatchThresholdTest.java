package io.etcdmp.internal.registry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The switch to one watch on the registry prefix depends on the share of the registry's services followed, not on a constant. */
@Tag("unit")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WideWatchThresholdTest {

    @Test
    void followingAllServicesOfAThousandSwitchesAfterTenAndTheFirstServiceNeverCounts() {
        WideWatchThreshold threshold = new WideWatchThreshold();
        AtomicInteger counts = new AtomicInteger();
        int followed = 0;
        assertThat(threshold.wideFor(followed, 0, () -> { counts.incrementAndGet(); return 10_000; })).isFalse();
        assertThat(counts).as("the first service followed counts nothing").hasValue(0);
        while (!threshold.wideFor(followed, 10L * followed, () -> { counts.incrementAndGet(); return 10_000; })) {
            followed++;
        }
        assertThat(followed).as("services followed one by one of 1,000 (10 records each)").isEqualTo(10);
        assertThat(counts).as("counts taken: at the second service and when the threshold was reached").hasValue(2);
    }

    @Test
    void aFewServicesOfALargeRegistryStayOneByOneAndASmallRegistryIsReadWholeFromTheSecond() {
        WideWatchThreshold large = new WideWatchThreshold();
        for (int followed = 1; followed < 50; followed++) {
            assertThat(large.wideFor(followed, 5L * followed, () -> 100_000)).as(followed + " of 20,000 services").isFalse();
        }
        assertThat(new WideWatchThreshold().wideFor(1, 2, () -> 40)).as("2 of 20 services").isTrue();
    }

    @Test
    void aFailedCountOrSwitchIsTriedAgainOnceTheFollowedServicesHaveDoubled() {
        WideWatchThreshold threshold = new WideWatchThreshold();
        assertThat(threshold.wideFor(3, 6, () -> -1)).isFalse();
        AtomicInteger counts = new AtomicInteger();
        for (int followed = 4; followed < 6; followed++) {
            assertThat(threshold.wideFor(followed, 2L * followed, () -> { counts.incrementAndGet(); return 40; })).isFalse();
        }
        assertThat(counts).as("no count before 6 services").hasValue(0);
        assertThat(threshold.wideFor(6, 12, () -> 40)).isTrue();
        threshold.failed(6);
        assertThat(threshold.wideFor(11, 22, () -> 40)).as("after a failed switch at 6").isFalse();
        assertThat(threshold.wideFor(12, 24, () -> 40)).isTrue();
    }
}
