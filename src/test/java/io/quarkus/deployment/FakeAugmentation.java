package io.quarkus.deployment;

import java.util.function.Supplier;

/** Test stand-in for Quarkus's build (its configuration is read by classes of this package). */
public final class FakeAugmentation {
    private FakeAugmentation() {
    }

    public static <T> T run(Supplier<T> buildStep) {
        return buildStep.get();
    }
}
