package io.etcdmp.support;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Thread states for tests of interleavings and deadlocks. */
public final class Threads {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private Threads() {
    }

    /**
     * Waits until {@code thread} is blocked entering a monitor (or {@code limit} passes): the step a test
     * waits for before letting the other side of a lock-order race go on.
     *
     * @return whether it was seen blocked
     */
    public static boolean awaitBlocked(Thread thread, Duration limit) {
        try {
            Awaitility.await().atMost(limit).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> thread.getState() == Thread.State.BLOCKED);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** A description of every deadlocked thread of this JVM (monitor and ownable locks), empty when none. */
    public static String deadlocks() {
        long[] ids = MX.findDeadlockedThreads();
        if (ids == null) {
            return "";
        }
        return Arrays.stream(MX.getThreadInfo(ids, true, true)).map(ThreadInfo::toString).collect(Collectors.joining("\n"));
    }

    /**
     * A daemon thread (a deadlocked one must not keep the test JVM from ending) that keeps whatever its task
     * throws for the test thread: {@link Helper#join(Duration)} rethrows it there.
     */
    public static Helper daemon(String name, Runnable task) {
        return new Helper(name, task);
    }

    /** A helper thread of a test: its failure is carried back to the test thread, never only printed. */
    public static final class Helper extends Thread {
        private final Runnable task;
        private volatile Throwable failure;

        private Helper(String name, Runnable task) {
            super(name);
            this.task = task;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Waits up to {@code limit} for the thread to end; rethrows on the caller's thread what the task threw. */
        public void join(Duration limit) throws InterruptedException {
            join(limit.toMillis());
            rethrowFailure();
        }

        /** Rethrows on the caller's thread what the task threw, if it threw. */
        public void rethrowFailure() {
            Throwable t = failure;
            if (t != null) {
                throw new AssertionError("helper thread " + getName() + " failed: " + t, t);
            }
        }
    }
}
