package io.etcdmp.internal.registry;

import io.etcdmp.internal.metrics.Metric;
import io.etcdmp.internal.metrics.Metrics;
import io.etcdmp.registry.ServiceInstance;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Passive ejection ({@code etcd.discovery.eject-time}): an instance this caller could not connect to (refused,
 * connect timeout) is left out of this caller's choice for the eject time. Per service, an immutable map from
 * instance id to its ejection, swapped whole; a service without a live ejection costs one map lookup per choice.
 */
final class Ejections {
    private final long ejectNanos;
    private final Map<String, Map<String, Ejection>> byService = new ConcurrentHashMap<>();

    /** One ejection: until when (nanoTime and wall clock, for display) and when it failed (nanoTime). */
    record Ejection(long failedNanos, long untilNanos, Instant until) {
        boolean live(long now) {
            return untilNanos - now > 0;
        }

        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Ejection that
                    && failedNanos == that.failedNanos
                    && untilNanos == that.untilNanos
                    && Objects.equals(until, that.until);
        }

        @Override
        public int hashCode() {
            return Objects.hash(failedNanos, untilNanos, until);
        }

        @Override
        public String toString() {
            return "Ejection[failedNanos=" + failedNanos + ", untilNanos=" + untilNanos + ", until=" + until + "]";
        }
    }

    Ejections(Duration ejectTime) {
        this.ejectNanos = ejectTime.toNanos();
    }

    boolean enabled() {
        return ejectNanos > 0;
    }

    /** Ejects {@code instance} when {@code failure} is a failed connection; true when it is ejected now. */
    boolean report(ServiceInstance instance, Throwable failure) {
        if (!enabled() || !isConnectFailure(failure)) {
            return false;
        }
        long now = System.nanoTime();
        boolean[] fresh = new boolean[1];
        byService.compute(instance.service(), (service, before) -> {
            Map<String, Ejection> next = new TreeMap<>();
            if (before != null) {
                before.forEach((id, e) -> {
                    if (e.live(now)) {
                        next.put(id, e);
                    }
                });
            }
            // a report while ejected extends the ejection but keeps when it began: the order "failed longest ago"
            // stays put when every instance is ejected (else the kept one flipped at every failed connect)
            Ejection still = next.get(instance.instanceId());
            long failed = still == null ? now : still.failedNanos();
            fresh[0] = next.put(instance.instanceId(), new Ejection(failed, now + ejectNanos,
                    Instant.now().plusNanos(ejectNanos))) == null;
            return Collections.unmodifiableMap(next);
        });
        if (fresh[0]) {
            Metrics.count(Metric.DISCOVERY_EJECTIONS, "service.name", instance.service());
        }
        return true;
    }

    /** The instances of {@code service} ejected now, with the time their ejection ends. */
    Map<String, Instant> ejected(String service) {
        Map<String, Ejection> all = byService.get(service);
        if (all == null) {
            return Map.of();
        }
        long now = System.nanoTime();
        Map<String, Instant> live = new TreeMap<>();
        all.forEach((id, e) -> {
            if (e.live(now)) {
                live.put(id, e.until());
            }
        });
        return Collections.unmodifiableMap(live);
    }

    /**
     * {@code candidates} without the ones ejected now; when every one is ejected, the one that failed longest ago
     * (never fewer than one). {@code candidates} itself (the same object) when none is ejected.
     */
    Candidates filter(String service, Candidates candidates) {
        List<Integer> kept = kept(service, candidates.size(), i -> candidates.get(i).instanceId());
        return kept == null ? candidates : candidates.only(kept);
    }

    /** The same rule on a plain list ({@code ServiceRegistry.withoutEjected}): {@code candidates} itself when none is ejected. */
    List<ServiceInstance> filter(String service, List<ServiceInstance> candidates) {
        List<Integer> kept = kept(service, candidates.size(), i -> candidates.get(i).instanceId());
        return kept == null ? candidates : kept.stream().map(candidates::get).toList();
    }

    /** The positions to keep, or null when none of the {@code size} candidates is ejected now. */
    private List<Integer> kept(String service, int size, IntFunction<String> idAt) {
        Map<String, Ejection> all = byService.get(service);
        if (all == null || size == 0) {
            return null;
        }
        long now = System.nanoTime();
        List<Integer> kept = new ArrayList<>(size);
        int leastRecent = -1;
        long leastRecentFailed = 0;
        boolean anyLive = false;
        for (int i = 0; i < size; i++) {
            Ejection e = all.get(idAt.apply(i));
            if (e == null || !e.live(now)) {
                kept.add(i);
                continue;
            }
            anyLive = true;
            if (leastRecent < 0 || e.failedNanos() - leastRecentFailed < 0) {
                leastRecent = i;
                leastRecentFailed = e.failedNanos();
            }
        }
        if (!anyLive) {
            byService.remove(service, all); // every ejection ran out: back to the lookup alone
            return null;
        }
        return kept.isEmpty() ? List.of(leastRecent) : kept;
    }

    /** A refused connection or a connect timeout, anywhere in the causes. */
    static boolean isConnectFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof HttpConnectTimeoutException) {
                return true; // Netty's ConnectTimeoutException and ConnectException both extend ConnectException
            }
            if (t instanceof SocketTimeoutException && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("connect")) {
                return true; // HttpURLConnection / Socket.connect: "Connect timed out"
            }
        }
        return false;
    }
}
