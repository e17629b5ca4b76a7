package io.etcdmp.grpc;

import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;

/**
 * The load-balancing policy {@code etcd_round_robin}: gRPC's {@code round_robin}, plus passive ejection. A subchannel
 * of an {@code etcd:///} address that turns {@code TRANSIENT_FAILURE} because it could not connect (refused, connect
 * timeout) is reported to the registry that resolved it ({@code ServiceRegistry.reportFailure}); the registry ejects the
 * instance for {@code etcd.discovery.eject-time} and the resolver leaves it out of the addresses meanwhile (never the
 * last one). Enable with {@code defaultLoadBalancingPolicy("etcd_round_robin")} or a service config naming it;
 * registered through {@code META-INF/services/io.grpc.LoadBalancerProvider}.
 */
public final class EtcdRoundRobinProvider extends LoadBalancerProvider {
    /** The policy name. */
    public static final String POLICY = "etcd_round_robin";

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int getPriority() {
        return 5;
    }

    @Override
    public String getPolicyName() {
        return POLICY;
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
        return new EjectingLoadBalancer(helper);
    }
}
