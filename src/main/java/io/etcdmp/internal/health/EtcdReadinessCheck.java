package io.etcdmp.internal.health;

import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * MicroProfile Health readiness check {@code etcd}: UP when etcd is reachable, every config watch is
 * live and this deployment's registration is held; DOWN from the start of a drain at shutdown. Added by
 * the CDI extension only when the MicroProfile Health API is on the class path; it has no bean-defining
 * annotation (so it is {@code @Dependent}), so that discovery never finds it in the library's bean archive on its own.
 */
@Readiness
public class EtcdReadinessCheck implements HealthCheck {
    @Inject
    EtcdConnection connection;

    @Inject
    ServiceRegistry registry;

    @Override
    public HealthCheckResponse call() {
        EtcdStatus status = EtcdStatus.probe(connection, EtcdConfigSource.of(ConfigProvider.getConfig()), registry);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("etcd").status(status.up())
                .withData("endpoints", connection.settings().endpointList())
                .withData("reachable", status.reachable())
                .withData("configWatchLive", status.configWatchLive())
                .withData("configRevision", status.configRevision())
                .withData("configStale", status.configStale())
                .withData("registrationHeld", status.registrationHeld())
                .withData("draining", status.draining());
        status.registrationKey().ifPresent(key -> response.withData("registration", key));
        return response.build();
    }
}
