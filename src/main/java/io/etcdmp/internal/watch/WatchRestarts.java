package io.etcdmp.internal.watch;

import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.metrics.FlightEvents;
import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;

import java.util.Map;

/** Counts a watch that ended and is watched again, by why it ended ({@code etcd.watch.restarts}). */
final class WatchRestarts {
    private WatchRestarts() {
    }

    /** {@code compacted}, {@code permission}, {@code leader} or {@code error}. */
    static String reason(Throwable cause) {
        if (cause == null) {
            return "error";
        }
        if (EtcdFailures.isCompactedRevision(cause)) {
            return "compacted";
        }
        if (EtcdFailures.isPermissionDenied(cause) || EtcdFailures.isAuthenticationFailure(cause)) {
            return "permission";
        }
        // etcd's "no leader" and "leader changed" (UNAVAILABLE, like any lost connection: told apart by the message)
        int depth = 0;
        for (Throwable t = cause; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("no leader") || message.contains("leader changed"))) {
                return "leader";
            }
        }
        return "error";
    }

    static void count(String prefix, Throwable cause) {
        Metrics.count(Metric.WATCH_RESTARTS, Map.of("etcd.prefix", prefix, "reason", reason(cause)), 1);
    }

    /** The watch of {@code prefix} runs again from {@code to}; the last revision received before was {@code from}. */
    static void recorded(String prefix, Throwable cause, long from, long to) {
        if (from > 0) { // 0: the first read, not a restart
            FlightEvents.watchRestarted(prefix, reason(cause), from, to);
        }
    }
}
