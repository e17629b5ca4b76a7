package io.etcdmp.internal.health;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.config.EtcdConfigSource;
import io.etcdmp.internal.client.EtcdCalls;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the readiness check reports, without depending on the MicroProfile Health API: etcd reachable,
 * every config watch live, this deployment's registration held.
 *
 * @param reachable       etcd answered a read within the probe timeout (a permission error counts: it answered)
 * @param configWatchLive every etcd config source has a live watch (true when there is none)
 * @param registrationHeld this deployment's record is registered (true when it does not register itself)
 * @param configRevision  the revision the config sources are current at (0 when none)
 * @param registrationKey the etcd key of this deployment's record, if any
 * @param configStale     a config source serves its cache file ({@code etcd.config.cache-file}): etcd not read yet;
 *                        {@code configRevision} is then the file's revision
 * @param draining        this deployment is stopping ({@link Registration#drain}): not ready, whatever else holds
 */
public record EtcdStatus(boolean reachable, boolean configWatchLive, boolean registrationHeld,
                         long configRevision, Optional<String> registrationKey, boolean configStale, boolean draining) {
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    public boolean up() {
        return !draining && reachable && configWatchLive && registrationHeld;
    }

    /** Probes etcd (one count-only read, bounded) and reads the other states locally. */
    public static EtcdStatus probe(EtcdConnection connection, List<EtcdConfigSource> sources, ServiceRegistry registry) {
        Optional<Registration> self = registry.selfRegistration();
        boolean draining = self.map(Registration::isDraining).orElse(false);
        return new EtcdStatus(reachable(connection, registry.prefix()),
                sources.stream().allMatch(EtcdConfigSource::isLive),
                self.map(Registration::isRegistered).orElse(true),
                sources.stream().mapToLong(EtcdConfigSource::revision).min().orElse(0),
                self.map(Registration::key),
                sources.stream().anyMatch(EtcdConfigSource::isStale), draining);
    }

    private static boolean reachable(EtcdConnection connection, String key) {
        long timeout = Math.min(PROBE_TIMEOUT.toMillis(), connection.settings().requestTimeout().toMillis());
        try {
            EtcdCalls.await(connection.client().getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8),
                    GetOption.builder().withCountOnly(true).build()), Duration.ofMillis(timeout));
            return true;
        } catch (Exception e) {
            return EtcdFailures.isPermissionDenied(e); // etcd answered, though not to this user
        }
    }
}
