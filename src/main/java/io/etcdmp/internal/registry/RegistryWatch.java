package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.watch.KeyChange;
import io.etcdmp.internal.watch.MirrorListener;
import io.etcdmp.internal.watch.PrefixMirror;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One watch on the whole registry prefix, feeding one {@link ServiceCache} per service found there: what
 * a registry uses once it follows many services, instead of one watch per service (a JVM following
 * 1,000 services would otherwise hold 1,000 watches and read 1,000 prefixes one by one). Every service
 * under the prefix is then cached, followed or not yet. The caches there were before keep their own
 * watches until the whole prefix was read: a read that fails (a timeout, no permission on the whole
 * prefix) leaves them as they were.
 */
final class RegistryWatch implements AutoCloseable {
    private final ByteSequence root;
    private final PrefixMirror mirror;
    /** The registry's caches, service to cache: this watch feeds them all and adds those it finds. */
    private final Map<String, ServiceCache> caches;
    private final Function<String, ServiceCache> newCache;
    /** Whether the caches there were at the start are fed by this watch yet (only the mirror's serial deliveries touch it). */
    private boolean adopted;

    /** @param newCache makes the cache of a service found here (fed by this watch); it is added to {@code caches} */
    RegistryWatch(EtcdConnection connection, String registryPrefix, Map<String, ServiceCache> caches,
                  Function<String, ServiceCache> newCache) {
        this.root = ByteSequence.from(registryPrefix, StandardCharsets.UTF_8);
        this.caches = caches;
        this.newCache = newCache;
        this.mirror = new PrefixMirror(connection, root, new MirrorListener.Content() {
            @Override
            public void onReset(List<KeyValue> all, long revision) {
                Map<String, List<KeyChange>> byService = new LinkedHashMap<>();
                for (KeyValue kv : all) {
                    String service = serviceOf(kv.getKey());
                    if (service != null) {
                        byService.computeIfAbsent(service, s -> new ArrayList<>())
                                .add(new KeyChange(kv.getKey(), kv.getValue(), kv.getModRevision(), kv.getVersion()));
                    }
                }
                resetAll(byService, revision);
            }

            @Override
            public void onChanges(List<KeyChange> changes, long revision) {
                Map<String, List<KeyChange>> byService = new HashMap<>();
                for (KeyChange change : changes) {
                    String service = serviceOf(change.key());
                    if (service != null) {
                        byService.computeIfAbsent(service, s -> new ArrayList<>()).add(change);
                    }
                }
                byService.forEach((service, list) -> cacheOf(service).apply(list, revision));
            }
        });
    }

    /**
     * The services a whole read found are reset to it; a cached service it did not find is emptied. The
     * first read also takes over the caches there are (their own watches end): only now is the switch sure.
     */
    private void resetAll(Map<String, List<KeyChange>> byService, long revision) {
        if (!adopted) {
            adopted = true;
            caches.values().forEach(cache -> cache.feedFrom(mirror::isLive));
        }
        byService.forEach((service, list) -> cacheOf(service).reset(list, revision));
        caches.forEach((service, cache) -> {
            if (!byService.containsKey(service)) {
                cache.reset(List.of(), revision);
            }
        });
    }

    private ServiceCache cacheOf(String service) {
        return caches.computeIfAbsent(service, newCache);
    }

    /**
     * Reads the whole registry, takes over the caches there are (their own watches end) and watches it;
     * throws, leaving every cache with its own watch, when the read fails.
     */
    void start() throws Exception {
        mirror.start();
    }

    boolean isLive() {
        return mirror.isLive();
    }

    /** {@code <prefix><service>/<id>} → service; null for a key of another shape. */
    private String serviceOf(ByteSequence key) {
        String rest = key.substring(root.size()).toString(StandardCharsets.UTF_8);
        int slash = rest.indexOf('/');
        return slash > 0 ? rest.substring(0, slash) : null;
    }

    @Override
    public void close() {
        mirror.close();
    }
}
