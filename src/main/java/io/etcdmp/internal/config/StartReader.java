package io.etcdmp.internal.config;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.watch.Backoff;
import io.etcdmp.internal.watch.KeyRanges;
import io.etcdmp.internal.watch.PrefixMirror;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

/**
 * The config source's first read: every prefix at one revision, retried for
 * {@code etcd.config.start-timeout} when that may help, and the error that says what to fix when it
 * cannot succeed.
 */
final class StartReader {
    private static final System.Logger LOG = System.getLogger(PrefixConfigSource.class.getName());

    private final ConfigSourceSettings settings;
    private final EtcdSettings etcd;
    /** The mirror being read (names the prefix in a permission error) and the attempts made. */
    private PrefixMirror reading;
    private int attempts;

    StartReader(ConfigSourceSettings settings, EtcdSettings etcd) {
        this.settings = settings;
        this.etcd = etcd;
    }

    /**
     * Reads every prefix at one revision; returns it. A required source keeps trying for
     * {@code etcd.config.start-timeout} (unless etcd refused the credentials or a permission); an optional
     * one, or {@code once}, tries once.
     */
    long readAll(List<PrefixMirror> mirrors, boolean once) throws Exception {
        attempts = 0;
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        while (true) {
            attempts++;
            try {
                refusedAtOnce();
                long revision = 0;
                for (PrefixMirror mirror : mirrors) {
                    reading = mirror;
                    // each read bounded by the request timeout, and all of them by what is left of the start timeout
                    long left = Math.max(1, deadline - System.nanoTime());
                    revision = mirror.load(revision, settings.optional() ? etcd.requestTimeout()
                            : shorter(etcd.requestTimeout(), Duration.ofNanos(left)));
                }
                if (attempts > 1) {
                    LOG.log(Level.INFO, "etcd at {0} read at attempt {1}", etcd.endpointList(), attempts);
                }
                return revision;
            } catch (Exception e) {
                Duration wait = backoff.next();
                if (once || settings.optional() || !worthRetrying(e) || System.nanoTime() + wait.toNanos() >= deadline) {
                    throw e;
                }
                LOG.log(attempts == 1 ? Level.INFO : Level.DEBUG, "etcd at {0} not read yet ({1}); trying again for up to {2}",
                        etcd.endpointList(), EtcdFailures.describe(e), ConfigSourceSettings.START_TIMEOUT);
                Thread.sleep(wait.toMillis());
            }
        }
    }

    /**
     * Fails the attempt at once when every endpoint refuses TCP connections: jetcd's read would wait for a connection
     * for the whole request timeout, though nothing listens (an optional source then starts at once, a required one
     * keeps its retry schedule). Anything else (an endpoint that accepts, or does not answer) is left to the read.
     */
    private void refusedAtOnce() throws ConnectException {
        if (EndpointProbe.allRefuse(etcd.endpoints(), shorter(etcd.connectTimeout(), etcd.requestTimeout().dividedBy(4)))) {
            throw new ConnectException("every endpoint refused the connection");
        }
    }

    /** The error of a required source that could not read etcd: what was refused or unreachable, and the fix. */
    EtcdMicroprofileException failure(Exception e) {
        String cause;
        if (EtcdFailures.isPermissionDenied(e) && reading != null) {
            cause = EtcdFailures.missingPermission(etcd, "read", KeyRanges.describe(reading.prefix()));
        } else if (EtcdFailures.isAuthenticationFailure(e)) {
            cause = EtcdFailures.refusedCredentials(etcd, e);
        } else {
            cause = EtcdFailures.describe(e) + EtcdFailures.reachability(etcd) + EtcdFailures.tlsHint(etcd)
                    + ". Start etcd or fix " + EtcdSettings.ENDPOINTS;
        }
        String tried = attempts > 1 ? " (" + attempts + " attempts within " + ConfigSourceSettings.START_TIMEOUT + "="
                + settings.startTimeout().toMillis() + "ms)" : "";
        return new EtcdMicroprofileException("Cannot read configuration from etcd at " + etcd.endpointList()
                + " (prefixes " + settings.prefixes() + ")" + tried + ": " + cause + "; or set " + ConfigSourceSettings.OPTIONAL
                + "=true to start without etcd values and pick them up when etcd answers", e);
    }

    /** Whether another read at start may succeed: not after etcd refused the credentials or a permission. */
    static boolean worthRetrying(Exception e) {
        return !EtcdFailures.isPermissionDenied(e) && !EtcdFailures.isAuthenticationFailure(e) && !(e instanceof InterruptedException);
    }

    static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
