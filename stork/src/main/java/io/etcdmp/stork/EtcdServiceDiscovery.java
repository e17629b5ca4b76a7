package io.etcdmp.stork;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.stork.api.ServiceDiscovery;
import io.smallrye.stork.utils.ServiceInstanceIds;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One Stork service's instances, fed by the registry's watch: the first call follows the service (off the caller's
 * thread: in Quarkus it is an event loop) and waits for the current list, at most twice {@code etcd.request-timeout}
 * (then it fails, and the next call follows again); from then on every call answers from
 * the last list the watch delivered, without any etcd request and without a refresh period. Offered: the instances
 * with status {@code UP}, those of the caller's zone ({@code etcd.registry.metadata.zone}) only when any is there,
 * those with weight above 0 unless every weight is 0 (as the registry's own choice), less the ones this caller
 * ejected after a failed connection (never fewer than one: then the one ejected first, which keeps its place while it fails again).
 * When the registry followed is closed (the CDI container whose bean it was stopped while Stork kept this discovery),
 * the next call follows the service again through the registry that serves then.
 */
final class EtcdServiceDiscovery implements ServiceDiscovery {
    private final String service;
    private final Supplier<ServiceRegistry> registries;
    private final Boolean secure;
    /** Stork ids stay the same for an instance id across lists (statistics-based load balancers key on them). */
    private final Map<String, Long> ids = new ConcurrentHashMap<>();

    private final AtomicReference<Choice> current = new AtomicReference<>();
    private CompletableFuture<Choice> loading; // guarded by this; never completes while holding the lock
    /** The feed of the last follow: only its lists become {@link #current} (a late list of an earlier feed is dropped). */
    private volatile Feed following;

    /** The offered instances of one list, with the registry they report failures to. */
    private static final class Choice {
        final ServiceRegistry registry;
        final List<EtcdStorkInstance> offered;
        /** The registry's instances of {@link #offered}, in the same order. */
        final List<ServiceInstance> instances;

        Choice(ServiceRegistry registry, List<EtcdStorkInstance> offered) {
            this.registry = registry;
            this.offered = offered;
            this.instances = offered.stream().map(EtcdStorkInstance::instance).toList();
        }
    }

    /**
     * The watch's listener. It holds its discovery weakly: a discovery Stork no longer holds (after
     * {@code Stork.shutdown()}, a Quarkus dev-mode restart) is collected, and its listener leaves the registry at the
     * next change of the service.
     */
    private static final class Feed implements Consumer<List<ServiceInstance>> {
        private final WeakReference<EtcdServiceDiscovery> discovery;
        private final ServiceRegistry registry;
        private final Optional<String> zone;
        private final CompletableFuture<Choice> first;
        volatile AutoCloseable handle;

        Feed(EtcdServiceDiscovery discovery, ServiceRegistry registry, Optional<String> zone, CompletableFuture<Choice> first) {
            this.discovery = new WeakReference<>(discovery);
            this.registry = registry;
            this.zone = zone;
            this.first = first;
        }

        @Override
        public void accept(List<ServiceInstance> instances) {
            EtcdServiceDiscovery d = discovery.get();
            if (d != null && d.following != this) { // a later follow replaced this feed (given up, or its registry closed)
                if (handle != null) {
                    close(handle);
                }
                return;
            }
            if (d != null) {
                Choice choice = d.choice(registry, zone, instances);
                first.complete(choice);
                if (first.isCompletedExceptionally()) { // given up before this list came: this feed is dropped
                    if (handle != null) {
                        close(handle);
                    }
                    return;
                }
                d.current.set(choice);
            } else if (handle != null) {
                close(handle);
            }
        }
    }

    EtcdServiceDiscovery(String service, Supplier<ServiceRegistry> registries, Boolean secure) {
        this.service = service;
        this.registries = registries;
        this.secure = secure;
    }

    @Override
    public Uni<List<io.smallrye.stork.api.ServiceInstance>> getServiceInstances() {
        Choice now = current.get();
        if (now != null) {
            if (!ProcessRegistry.isClosed(now.registry) || !replaced(now.registry)) {
                return Uni.createFrom().item(withoutEjected(now));
            }
            current.compareAndSet(now, null); // its registry closed (its CDI container stopped): follow the one serving now
        }
        return Uni.createFrom().completionStage(this::load).map(this::withoutEjected);
    }

    /**
     * Whether another registry than the closed {@code followed} serves now. Not while the one to use is still that one
     * (its container or the process is stopping): its last list keeps being answered, as before it closed.
     */
    private boolean replaced(ServiceRegistry followed) {
        try {
            return registries.get() != followed;
        } catch (RuntimeException | LinkageError none) { // no registry to follow instead: keep the last list
            return false;
        }
    }

    private synchronized CompletableFuture<Choice> load() {
        if (loading == null || loading.isCompletedExceptionally() // a failed first read is tried again by the next call
                || loading.isDone() && ProcessRegistry.isClosed(loading.join().registry)) { // a closed registry's list: follow anew
            CompletableFuture<Choice> first = new CompletableFuture<>();
            loading = first;
            Infrastructure.getDefaultWorkerPool().execute(() -> follow(first));
        }
        return loading;
    }

    /**
     * Follows the service (off the caller's thread: the first call may create the registry and read etcd): the
     * registry delivers the current list first, then every change, never an older list after a newer one. The first
     * list must come within twice {@code etcd.request-timeout} (the first read's own bound, and as long again for its
     * delivery): else (etcd unreachable, the registry's connection closing) the waiting calls fail, naming the
     * service, its prefix and the endpoints, the watch is given up, and the next call follows again.
     */
    private void follow(CompletableFuture<Choice> first) {
        ServiceRegistry registry = null;
        try {
            registry = registries.get();
            String where = ProcessRegistry.where(registry, service);
            Duration bound = ProcessRegistry.requestTimeout(registry).multipliedBy(2);
            ScheduledFuture<?> giveUp = Infrastructure.getDefaultWorkerPool().schedule(() -> first.completeExceptionally(
                    new EtcdMicroprofileException("Stork's etcd discovery of '" + service + "': no list of its instances under "
                            + where + " within " + bound.toMillis() + " ms (twice etcd.request-timeout): etcd unreachable or the "
                            + "registry's connection closing; the next call tries again")), bound.toMillis(), TimeUnit.MILLISECONDS);
            first.whenComplete((choice, failure) -> giveUp.cancel(false));
            Feed feed = new Feed(this, registry, ProcessRegistry.zoneOf(registry), first);
            following = feed;
            feed.handle = registry.follow(service, feed);
            first.whenComplete((choice, failure) -> {
                if (failure != null) {
                    close(feed.handle); // given up: the next call follows with a watch of its own
                }
            });
        } catch (RuntimeException | LinkageError e) { // the next call tries again, with a watch of its own
            first.completeExceptionally(new EtcdMicroprofileException("Stork's etcd discovery of '" + service + "': cannot follow "
                    + (registry == null ? "it in the service registry" : ProcessRegistry.where(registry, service)) + ": " + e.getMessage(), e));
        }
    }

    private Choice choice(ServiceRegistry registry, Optional<String> zone, List<ServiceInstance> instances) {
        List<ServiceInstance> up = instances.stream().filter(ServiceInstance::isUp).toList();
        if (zone.isPresent()) {
            List<ServiceInstance> local = up.stream().filter(i -> zone.get().equals(i.metadata().get(ServiceInstance.ZONE))).toList();
            if (!local.isEmpty()) {
                up = local;
            }
        }
        List<ServiceInstance> weighted = up.stream().filter(i -> i.weight() > 0).toList();
        List<EtcdStorkInstance> offered = new ArrayList<>();
        for (ServiceInstance i : weighted.isEmpty() ? up : weighted) {
            long id = ids.computeIfAbsent(i.instanceId(), any -> ServiceInstanceIds.next());
            offered.add(new EtcdStorkInstance(id, i, registry, secure));
        }
        ids.keySet().retainAll(instances.stream().map(ServiceInstance::instanceId).toList()); // no id kept for a departed instance
        return new Choice(registry, List.copyOf(offered));
    }

    /** The registry's rule (as its own choice): the ejected ones left out; all ejected: the one that failed longest ago. */
    private List<io.smallrye.stork.api.ServiceInstance> withoutEjected(Choice choice) {
        List<ServiceInstance> kept = choice.registry.withoutEjected(service, choice.instances);
        if (kept == choice.instances) {
            return List.copyOf(choice.offered);
        }
        List<io.smallrye.stork.api.ServiceInstance> out = new ArrayList<>(kept.size());
        for (int i = 0; i < choice.instances.size(); i++) {
            if (kept.contains(choice.instances.get(i))) {
                out.add(choice.offered.get(i));
            }
        }
        return out;
    }

    private static void close(AutoCloseable watch) {
        try {
            watch.close();
        } catch (Exception ignored) {
            // removing a listener from the registry's cache: nothing to fail
        }
    }
}
