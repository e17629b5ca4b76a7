package io.etcdmp.internal.health;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Instant;

/**
 * MicroProfile Health readiness check {@code etcd:<service>} ({@link #name}): "can this instance serve correctly". DOWN before the
 * configuration was first loaded and from the start of a drain at shutdown; otherwise UP, also while etcd is
 * unreachable and the values come from the snapshot or the cache file (the data says so), unless
 * {@code etcd.health.readiness=connected} ({@link ReadinessMode}). A probe sends etcd nothing: it reads the
 * state the watches and the lease keep-alives keep. Added by the CDI extension only when the MicroProfile
 * Health API is on the class path; it has no bean-defining annotation (so it is {@code @Dependent}), so that
 * discovery never finds it in the library's bean archive on its own.
 */
@Readiness
public class EtcdReadinessCheck implements HealthCheck {
    private static final System.Logger LOG = System.getLogger(EtcdReadinessCheck.class.getName());

    @Inject
    EtcdConnection connection;

    @Inject
    ServiceRegistry registry;

    /** This deployment's Config: in a server, the thread that probes may have another deployment's class loader. */
    @Inject
    Config config;

    /**
     * {@code etcd:<service>} ({@code etcd.registry.service-name}, else {@code mp.app.name}), so that the checks of
     * several deployments in one server can be told apart; {@code etcd} when the deployment has no service name.
     */
    static String name(ServiceRegistry registry) {
        return registry instanceof EtcdServiceRegistry ours
                ? ours.settings().serviceName().map(service -> "etcd:" + service).orElse("etcd") : "etcd";
    }

    /** The mode last read that was valid; the deployment's start checked the value, so a bad one arrived later (from etcd). */
    private volatile ReadinessMode lastGood = ReadinessMode.SERVING;
    private volatile String lastBad;

    /**
     * {@code etcd.health.readiness} as the Config has it now. A bad value written later (to etcd, for every instance at
     * once) keeps the mode there was, with one WARNING: a typo must not take the fleet out of service.
     */
    private ReadinessMode mode() {
        try {
            ReadinessMode mode = ReadinessMode.from(name -> config.getOptionalValue(name, String.class));
            lastGood = mode;
            lastBad = null;
            return mode;
        } catch (EtcdMicroprofileException e) {
            if (!e.getMessage().equals(lastBad)) {
                lastBad = e.getMessage();
                LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; the readiness check keeps " + lastGood.label());
            }
            return lastGood;
        }
    }

    @Override
    public HealthCheckResponse call() {
        ReadinessMode mode = mode();
        EtcdStatus status = EtcdStatus.of(PrefixConfigSource.of(config), registry);
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name(registry)).status(status.up(mode))
                .withData("readiness", mode.label())
                .withData("endpoints", connection.settings().endpointList())
                .withData("reachable", status.reachable())
                .withData("loaded", status.loaded())
                .withData("stale", status.stale())
                .withData("configWatchLive", status.configWatchLive())
                .withData("configRevision", status.configRevision())
                .withData("configStale", status.configStale())
                .withData("registrationHeld", status.registrationHeld())
                .withData("draining", status.draining());
        if (status.stale()) {
            response.withData("staleSince", Instant.ofEpochMilli(status.staleSince()).toString());
        }
        status.registrationKey().ifPresent(key -> response.withData("registration", key));
        return response.build();
    }
}
