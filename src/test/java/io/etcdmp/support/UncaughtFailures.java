package io.etcdmp.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Registered for every test of the suite (junit-platform.properties: extension autodetection): an assertion
 * that fails on a thread other than the test's, and that nobody catches (a listener, a callback, an executor's
 * task started with {@code execute}), fails the test it happened in instead of being only printed. Other
 * uncaught throwables of other threads are left to the default handler: the library's own threads report
 * theirs by logging, and tests that check that do so themselves.
 */
public final class UncaughtFailures implements BeforeEachCallback, AfterEachCallback {
    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final List<Throwable> FAILURES = new CopyOnWriteArrayList<>();

    static {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof AssertionError) {
                SEEN.add(thread.getName());
                FAILURES.add(e);
            }
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                e.printStackTrace();
            }
        });
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        SEEN.clear();
        FAILURES.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!FAILURES.isEmpty()) {
            AssertionError error = new AssertionError("an assertion failed on another thread (" + SEEN + "): "
                    + FAILURES.get(0).getMessage(), FAILURES.get(0));
            FAILURES.stream().skip(1).forEach(error::addSuppressed);
            FAILURES.clear();
            throw error;
        }
    }
}
