package io.etcdmp.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Real grpc-java servers on loopback serving the standard health service, each counting the calls it got. */
final class GrpcServers implements AutoCloseable {
    private final List<Server> servers = new ArrayList<>();
    private final List<AtomicInteger> calls = new ArrayList<>();

    /** Starts a server on a free loopback port; returns its index. */
    int start() throws IOException {
        AtomicInteger count = new AtomicInteger();
        ServerInterceptor counting = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                count.incrementAndGet();
                return next.startCall(call, headers);
            }
        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new HealthStatusManager().getHealthService(), counting))
                .build().start();
        servers.add(server);
        calls.add(count);
        return servers.size() - 1;
    }

    int port(int server) {
        return ((InetSocketAddress) servers.get(server).getListenSockets().get(0)).getPort();
    }

    int calls(int server) {
        return calls.get(server).get();
    }

    /** One unary call through {@code channel}: the health check, SERVING. */
    static void call(ManagedChannel channel) {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        if (response.getStatus() != HealthCheckResponse.ServingStatus.SERVING) {
            throw new AssertionError("not serving: " + response);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
