package io.etcdmp.grpc;

import io.etcdmp.internal.process.ProcessRegistry;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One channel's view of one service, followed through the registry (started off gRPC's threads): the current list
 * from its cache first, then every list its watch delivers; {@code refresh()} delivers the last list again. Lists are numbered when taken and turned into
 * addresses on the offload executor (a host name may need a lookup); the {@link SynchronizationContext} delivers
 * them in order and drops any older than the last delivered. Listener, watch handle and state are touched only on
 * the synchronization context.
 */
final class EtcdNameResolver extends NameResolver {
    /** The instance behind an address, and the registry it came from: for {@link EjectingLoadBalancer}. */
    static final Attributes.Key<ServiceInstance> INSTANCE = Attributes.Key.create("io.etcdmp.grpc.instance");
    static final Attributes.Key<ServiceRegistry> REGISTRY = Attributes.Key.create("io.etcdmp.grpc.registry");
    /** While instances are left out as ejected: how soon the list is made again (an ejection may have ended). */
    private static final long EJECTED_RECHECK_MILLIS = 1000;

    private final String service;
    private final Supplier<ServiceRegistry> registries;
    private final SynchronizationContext sync;
    private final Executor offload;
    private final AtomicLong taken = new AtomicLong();

    private Listener2 listener;
    private AutoCloseable watch;
    private boolean connecting;
    private boolean shutdown;
    /** The follow whose lists are delivered (set on the context before it starts); a given-up follow's late lists are dropped. */
    private Object following;
    private final ScheduledExecutorService timer;
    private long delivered;
    private List<ServiceInstance> lastInstances;
    private ServiceRegistry lastFrom;
    /** The registry the current watch follows the service in. */
    private ServiceRegistry followedFrom;
    private SynchronizationContext.ScheduledHandle recheck;

    EtcdNameResolver(String service, Supplier<ServiceRegistry> registries, Args args) {
        this.service = service;
        this.registries = registries;
        this.sync = args.getSynchronizationContext();
        this.offload = args.getOffloadExecutor() != null ? args.getOffloadExecutor() : ForkJoinPool.commonPool();
        this.timer = timerOf(args);
    }

    @Override
    public String getServiceAuthority() {
        return service;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        connect();
    }

    @Override
    public void refresh() {
        if (shutdown) {
            return;
        }
        if (watch == null) {
            connect(); // the first read failed: try it again
            return;
        }
        List<ServiceInstance> last = lastInstances;
        long number = delivered; // never outranks a newer list already on its way
        ServiceRegistry r = lastFrom;
        Object token = following;
        ServiceRegistry from = followedFrom;
        offload.execute(() -> { // asking for the registry may look up a CDI bean: never on the channel's context
            if (registryNow(from) != from) {
                sync.execute(() -> followAgain(token)); // the registry followed closed (its container stopped)
            } else if (last != null) { // its cache is current: the list the watch delivered last, less what is ejected now
                offer(token, number, r, last);
            }
        });
    }

    /** The registry names resolve through now; the one followed when asking fails. */
    private ServiceRegistry registryNow(ServiceRegistry followed) {
        try {
            return registries.get();
        } catch (RuntimeException | LinkageError e) {
            return followed;
        }
    }

    /** Gives up the watch of a registry that is no longer the one to use and follows the service in the current one. */
    private void followAgain(Object token) {
        if (shutdown || following != token) {
            return;
        }
        AutoCloseable w = watch;
        watch = null;
        close(w);
        connect();
    }

    @Override
    public void shutdown() {
        shutdown = true;
        if (recheck != null) {
            recheck.cancel();
        }
        AutoCloseable w = watch;
        watch = null;
        close(w);
    }

    private void connect() {
        if (connecting || shutdown) {
            return;
        }
        connecting = true;
        Object token = new Object();
        following = token;
        offload.execute(() -> {
            try {
                ServiceRegistry r = registries.get();
                // the current list first, then every change, never an older list after a newer one
                AtomicBoolean listed = new AtomicBoolean();
                AutoCloseable w = r.follow(service, instances -> {
                    listed.set(true); // this follow's own first list: a late one of a given-up follow does not count
                    long number = taken.incrementAndGet(); // numbered on the registry's thread, in revision order
                    offload.execute(() -> offer(token, number, r, instances)); // a host name's lookup never blocks that thread
                });
                sync.execute(() -> {
                    connecting = false;
                    if (shutdown) {
                        close(w);
                    } else {
                        watch = w;
                        followedFrom = r;
                        expectFirstList(r, w, listed);
                    }
                });
            } catch (RuntimeException | LinkageError e) {
                sync.execute(() -> {
                    connecting = false;
                    if (!shutdown) {
                        listener.onError(Status.UNAVAILABLE.withCause(e).withDescription("Cannot read the instances of service '"
                                + service + "' from etcd: " + e.getMessage()));
                    }
                });
            }
        });
    }

    /**
     * The first list must come within twice {@code etcd.request-timeout} (the first read's bound, and as long again for
     * its delivery): else (the registry's connection closing, etcd unreachable) the watch is given up and the channel
     * told {@code UNAVAILABLE}, naming the service, its prefix and the endpoints; its next {@code refresh()} follows again.
     */
    private void expectFirstList(ServiceRegistry r, AutoCloseable w, AtomicBoolean listed) {
        if (timer == null) {
            return; // a resolver used on its own, without the channel's timer: its caller's refresh() looks again
        }
        long bound = ProcessRegistry.requestTimeout(r).multipliedBy(2).toMillis();
        sync.schedule(() -> {
            if (!shutdown && watch == w && !listed.get()) { // no list taken from this follow, none on its way
                watch = null;
                following = null;
                close(w);
                listener.onError(Status.UNAVAILABLE.withDescription("No list of the instances of service '" + service + "' under "
                        + ProcessRegistry.where(r, service) + " within " + bound + " ms (twice etcd.request-timeout): etcd "
                        + "unreachable or the registry's connection closing; following again at the next refresh"));
            }
        }, bound, TimeUnit.MILLISECONDS, timer);
    }

    /** Called on the offload executor: builds the addresses (a host name may need a lookup), delivers on the sync context. */
    private void offer(Object token, long number, ServiceRegistry r, List<ServiceInstance> instances) {
        List<ServiceInstance> chosen = chosen(instances, ProcessRegistry.zoneOf(r));
        List<ServiceInstance> kept = r.withoutEjected(service, chosen); // never fewer than one
        List<EquivalentAddressGroup> addresses = groups(kept, r);
        String none = addresses.isEmpty() ? "No instance of service '" + service + "' to call: none with status UP under "
                + r.prefix() + service + "/ in etcd (" + instances.size() + " registered)" : null;
        boolean leftOut = kept.size() < chosen.size();
        sync.execute(() -> deliver(token, number, r, instances, addresses, none, leftOut));
    }

    private void deliver(Object token, long number, ServiceRegistry r, List<ServiceInstance> instances, List<EquivalentAddressGroup> addresses,
                         String none, boolean leftOut) {
        if (shutdown || token != following || number < delivered) {
            return;
        }
        delivered = number;
        lastInstances = instances;
        lastFrom = r;
        if (leftOut && timer != null && (recheck == null || !recheck.isPending())) {
            recheck = sync.schedule(this::refresh, EJECTED_RECHECK_MILLIS, TimeUnit.MILLISECONDS, timer);
        }
        ResolutionResult.Builder result = ResolutionResult.newBuilder();
        result.setAddressesOrError(none == null ? StatusOr.fromValue(addresses) : StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(none)));
        listener.onResult2(result.build());
    }

    /** Status UP; the caller's zone only when any is in it; weight above 0 unless every weight is 0 (as the registry's choose). */
    static List<ServiceInstance> chosen(List<ServiceInstance> instances, Optional<String> zone) {
        List<ServiceInstance> up = instances.stream().filter(ServiceInstance::isUp).toList();
        if (zone.isPresent()) {
            List<ServiceInstance> local = up.stream().filter(i -> zone.get().equals(i.metadata().get(ServiceInstance.ZONE))).toList();
            if (!local.isEmpty()) {
                up = local;
            }
        }
        List<ServiceInstance> weighted = up.stream().filter(i -> i.weight() > 0).toList();
        return weighted.isEmpty() ? up : weighted;
    }

    static List<EquivalentAddressGroup> addresses(List<ServiceInstance> instances, Optional<String> zone) {
        return groups(chosen(instances, zone), null);
    }

    private static List<EquivalentAddressGroup> groups(List<ServiceInstance> chosen, ServiceRegistry registry) {
        List<EquivalentAddressGroup> out = new ArrayList<>();
        for (ServiceInstance i : chosen) {
            Attributes.Builder attributes = Attributes.newBuilder().set(EtcdNameResolverProvider.WEIGHT, i.weight())
                    .set(EtcdNameResolverProvider.INSTANCE_ID, i.instanceId()).set(INSTANCE, i);
            if (registry != null) {
                attributes.set(REGISTRY, registry);
            }
            out.add(new EquivalentAddressGroup(new InetSocketAddress(i.host(), i.port()), attributes.build()));
        }
        return out;
    }

    /** The channel's timer; none when the caller's Args has none (a resolver used on its own). */
    private static ScheduledExecutorService timerOf(Args args) {
        try {
            return args.getScheduledExecutorService();
        } catch (IllegalStateException notSet) {
            return null;
        }
    }

    private static void close(AutoCloseable watch) {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception ignored) {
                // removing a listener from the registry's cache: nothing to fail
            }
        }
    }
}
