package io.etcdmp.internal.health;

import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceRegistry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the readiness check reports, without depending on the MicroProfile Health API, read from the state the
 * library keeps anyway (each config watch's state, the lease's keep-alive replies): a probe sends etcd nothing.
 *
 * @param reachable        etcd answers: every config watch is live (no config source: the registration is held;
 *                         neither: true, nothing here talks to etcd)
 * @param configWatchLive  every etcd config source has a live watch (true when there is none)
 * @param registrationHeld this deployment's record is registered (true when it does not register itself)
 * @param configRevision   the revision the config sources are current at (0 when none)
 * @param registrationKey  the etcd key of this deployment's record, if any
 * @param configStale      a config source serves its cache file ({@code etcd.config.cache-file}): etcd not read yet;
 *                         {@code configRevision} is then the file's revision
 * @param draining         this deployment is stopping ({@link Registration#drain}): not ready, whatever else holds
 * @param loaded           every config source has its configuration, from etcd or from the cache file
 * @param staleSince       since when (epoch milliseconds) some config value may be behind etcd (a watch not live,
 *                         or the cache file served); 0 while none is
 */
public record EtcdStatus(boolean reachable, boolean configWatchLive, boolean registrationHeld,
                         long configRevision, Optional<String> registrationKey, boolean configStale, boolean draining,
                         boolean loaded, long staleSince) {

    /** Whether the instance is ready in {@code mode}: never while draining or before the configuration was loaded. */
    public boolean up(ReadinessMode mode) {
        if (draining || !loaded) {
            return false;
        }
        return mode == ReadinessMode.SERVING || reachable && configWatchLive && registrationHeld;
    }

    /** Values may be behind etcd: served from the snapshot while a watch is down, or from the cache file. */
    public boolean stale() {
        return staleSince != 0;
    }

    /** Reads the states locally: no request to etcd. */
    public static EtcdStatus of(List<PrefixConfigSource> sources, ServiceRegistry registry) {
        Optional<Registration> self = registry.selfRegistration();
        boolean held = self.map(Registration::isRegistered).orElse(true);
        boolean live = sources.stream().allMatch(PrefixConfigSource::isLive);
        boolean stale = sources.stream().anyMatch(PrefixConfigSource::isStale);
        long since = live && !stale ? 0 : System.currentTimeMillis() // a wall-clock instant for readiness data only
                - sources.stream().mapToLong(PrefixConfigSource::notLiveNanos).max().orElse(0) / 1_000_000;
        return new EtcdStatus(sources.isEmpty() ? held : live, live, held,
                sources.stream().mapToLong(PrefixConfigSource::revision).min().orElse(0),
                self.map(Registration::key), stale, self.map(Registration::isDraining).orElse(false),
                sources.stream().allMatch(PrefixConfigSource::isLoaded), since);
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof EtcdStatus that
                && reachable == that.reachable
                && configWatchLive == that.configWatchLive
                && registrationHeld == that.registrationHeld
                && configRevision == that.configRevision
                && Objects.equals(registrationKey, that.registrationKey)
                && configStale == that.configStale
                && draining == that.draining
                && loaded == that.loaded
                && staleSince == that.staleSince;
    }

    @Override
    public int hashCode() {
        return Objects.hash(reachable, configWatchLive, registrationHeld, configRevision, registrationKey, configStale, draining, loaded, staleSince);
    }

    @Override
    public String toString() {
        return "EtcdStatus[reachable=" + reachable
                + ", configWatchLive=" + configWatchLive
                + ", registrationHeld=" + registrationHeld
                + ", configRevision=" + configRevision
                + ", registrationKey=" + registrationKey
                + ", configStale=" + configStale
                + ", draining=" + draining
                + ", loaded=" + loaded
                + ", staleSince=" + staleSince + "]";
    }
}
