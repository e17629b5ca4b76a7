package io.etcdmp.grpc;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Status;
import io.grpc.util.ForwardingLoadBalancer;
import io.grpc.util.ForwardingLoadBalancerHelper;
import io.grpc.util.ForwardingSubchannel;

import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code round_robin} with passive ejection: every subchannel's state passes through here first; one that turns
 * {@code TRANSIENT_FAILURE} is reported to the registry of the instance at its address (carried in the resolver's
 * address attributes), and when that ejects it, name resolution is refreshed so that the resolver leaves it out.
 * Everything here runs on the channel's synchronization context.
 */
final class EjectingLoadBalancer extends ForwardingLoadBalancer {
    private final LoadBalancer.Helper helper;
    private final LoadBalancer delegate;
    /** The instance and registry of every address of the last resolution. */
    private Map<SocketAddress, Origin> origins = Map.of();

    /** Where an address came from. */
    private static final class Origin {
        final ServiceRegistry registry;
        final ServiceInstance instance;

        Origin(ServiceRegistry registry, ServiceInstance instance) {
            this.registry = registry;
            this.instance = instance;
        }
    }

    EjectingLoadBalancer(LoadBalancer.Helper helper) {
        this.helper = helper;
        LoadBalancerProvider roundRobin = LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin");
        if (roundRobin == null) {
            throw new IllegalStateException(EtcdRoundRobinProvider.POLICY + " needs gRPC's round_robin policy, which is not "
                    + "registered (io.grpc:grpc-util or a transport such as grpc-netty-shaded on the class path)");
        }
        this.delegate = roundRobin.newLoadBalancer(new ReportingHelper(helper));
    }

    @Override
    protected LoadBalancer delegate() {
        return delegate;
    }

    @Override
    public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
        origins = originsOf(resolved);
        return delegate.acceptResolvedAddresses(resolved);
    }

    @Override
    public void handleResolvedAddresses(ResolvedAddresses resolved) {
        origins = originsOf(resolved);
        delegate.handleResolvedAddresses(resolved);
    }

    private static Map<SocketAddress, Origin> originsOf(ResolvedAddresses resolved) {
        Map<SocketAddress, Origin> out = new HashMap<>();
        for (EquivalentAddressGroup group : resolved.getAddresses()) {
            ServiceInstance instance = group.getAttributes().get(EtcdNameResolver.INSTANCE);
            ServiceRegistry registry = group.getAttributes().get(EtcdNameResolver.REGISTRY);
            if (instance != null && registry != null) {
                group.getAddresses().forEach(address -> out.put(address, new Origin(registry, instance)));
            }
        }
        return out;
    }

    private void failed(Subchannel subchannel, Status status) {
        boolean ejected = false;
        for (EquivalentAddressGroup group : subchannel.getAllAddresses()) {
            for (SocketAddress address : group.getAddresses()) {
                Origin origin = origins.get(address);
                if (origin != null) {
                    boolean before = origin.registry.ejected(origin.instance.service()).containsKey(origin.instance.instanceId());
                    ejected |= origin.registry.reportFailure(origin.instance, status.asException()) && !before;
                }
            }
        }
        if (ejected) { // newly ejected only: an instance failing again while ejected changes no address list
            helper.refreshNameResolution(); // the resolver hands over the addresses without it
        }
    }

    private final class ReportingHelper extends ForwardingLoadBalancerHelper {
        private final LoadBalancer.Helper channel;

        ReportingHelper(LoadBalancer.Helper channel) {
            this.channel = channel;
        }

        @Override
        protected LoadBalancer.Helper delegate() {
            return channel;
        }

        @Override
        public Subchannel createSubchannel(CreateSubchannelArgs args) {
            return new ReportingSubchannel(channel.createSubchannel(args));
        }
    }

    private final class ReportingSubchannel extends ForwardingSubchannel {
        private final Subchannel subchannel;

        ReportingSubchannel(Subchannel subchannel) {
            this.subchannel = subchannel;
        }

        @Override
        protected Subchannel delegate() {
            return subchannel;
        }

        @Override
        public void start(SubchannelStateListener listener) {
            subchannel.start(state -> {
                if (state.getState() == ConnectivityState.TRANSIENT_FAILURE) {
                    failed(this, state.getStatus());
                }
                listener.onSubchannelState(state);
            });
        }
    }
}
