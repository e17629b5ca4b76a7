package io.quarkus.runner;

import java.util.function.Supplier;

/** Test stand-in for the class Quarkus generates to start a built application (also in dev mode, under the build's classes). */
public final class ApplicationImpl {
    private ApplicationImpl() {
    }

    public static <T> T start(Supplier<T> startStep) {
        return startStep.get();
    }
}
