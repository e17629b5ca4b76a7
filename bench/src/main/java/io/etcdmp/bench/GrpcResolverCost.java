package io.etcdmp.bench;

import io.etcdmp.grpc.EtcdNameResolverProvider;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The cost of resolving through {@code etcd:///}: one unary call on a channel to {@code etcd:///bench-grpc} (the
 * grpc module's resolver over a registry) against one on {@code dns:///127.0.0.1:<port>}, same server, same
 * {@code round_robin} policy, in turn (which goes first alternates), each call timed on its own; medians. A one-method service defined by hand
 * (bytes in, bytes out): no generated code.
 */
final class GrpcResolverCost {
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("bench.Echo/Echo")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    void run(String endpoint, int calls, Report report) throws Exception {
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("bench.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                            response.onNext(request);
                            response.onCompleted();
                        })).build())
                .build().start();
        int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        ServiceRegistry registry = Internals.registry(endpoint, Map.of());
        NameResolverRegistry names = new NameResolverRegistry();
        names.register(new EtcdNameResolverProvider(registry));
        ManagedChannel byName = null;
        ManagedChannel direct = null;
        try (Registration ignored = registry.register(ServiceInstance.of("bench-grpc", "127.0.0.1", port))) {
            @SuppressWarnings("deprecation")
            ManagedChannel etcd = NettyChannelBuilder.forTarget("etcd:///bench-grpc").usePlaintext()
                    .nameResolverFactory(names.asFactory()).defaultLoadBalancingPolicy("round_robin").build();
            byName = etcd;
            direct = NettyChannelBuilder.forTarget("dns:///127.0.0.1:" + port).usePlaintext()
                    .defaultLoadBalancingPolicy("round_robin").build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (registry.instances("bench-grpc").isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the registration's put reaching the registry's own cache
            }
            byte[] payload = new byte[16];
            for (int i = 0; i < Math.min(calls, 5_000); i++) { // warm-up: both channels connected, JIT done
                call(byName, payload);
                call(direct, payload);
            }
            long[] etcdNanos = new long[calls];
            long[] dnsNanos = new long[calls];
            for (int i = 0; i < calls; i++) { // which channel goes first alternates per pair
                boolean etcdFirst = (i & 1) == 0;
                long t0 = System.nanoTime();
                call(etcdFirst ? byName : direct, payload);
                long t1 = System.nanoTime();
                call(etcdFirst ? direct : byName, payload);
                long t2 = System.nanoTime();
                etcdNanos[i] = etcdFirst ? t1 - t0 : t2 - t1;
                dnsNanos[i] = etcdFirst ? t2 - t1 : t1 - t0;
            }
            double etcdMs = median(etcdNanos) / 1e6;
            double dnsMs = median(dnsNanos) / 1e6;
            report.add("one unary gRPC call on `etcd:///<service>` (grpc module's resolver, `round_robin`), median of " + calls,
                    Report.ms(etcdMs), "`dns:///127.0.0.1:<port>`, same server and policy, in turn: " + Report.ms(dnsMs),
                    etcdMs / dnsMs, "≤ 1.05×", etcdMs <= 1.05 * dnsMs);
        } finally {
            if (byName != null) {
                byName.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            if (direct != null) {
                direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            registry.close();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void call(ManagedChannel channel, byte[] payload) {
        ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), payload);
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
