package io.etcdmp.internal.registry;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseRevokeResponse;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared lease's deadline follows the monotonic clock (issue 20, defect 7): a wall clock stepped
 * forward past the TTL must not declare a confirmed lease lost, and one stepped back must not delay the
 * detection of a lease that gets no replies. A scripted lease client (no etcd) and the real scheduler;
 * the test's clocks are the system's, with a wall clock it can step.
 */
@Tag("unit")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LeaseClockStepTest {
    private static final long LEASE = 0x7;
    private static final long TTL_SECONDS = 1;

    private final AtomicLong wallOffset = new AtomicLong();
    private final SharedLease.Clocks clocks = new SharedLease.Clocks() {
        @Override
        public long wallMillis() {
            return System.currentTimeMillis() + wallOffset.get();
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }
    };
    private final AtomicInteger keepAlives = new AtomicInteger();
    private volatile boolean etcdAnswers = true;
    private final EtcdConnection connection = EtcdConnections.borrow(client(), EtcdSettings.from(name -> Optional.empty()));
    private final AtomicInteger lost = new AtomicInteger();
    private final SharedLease.Member member = new SharedLease.Member() {
        @Override
        public void leaseLost(long lease, String why) {
            lost.incrementAndGet();
        }

        @Override
        public long heldLease() {
            return LEASE;
        }
    };

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void aWallClockSteppedForwardPastTheTtlDoesNotLoseALeaseEtcdKeepsConfirming() throws Exception {
        try (SharedLease lease = new SharedLease(connection, TTL_SECONDS, "/services/", clocks)) {
            lease.join(member);
            assertThat(lease.acquire()).isEqualTo(LEASE);
            wallOffset.addAndGet(Duration.ofHours(1).toMillis());
            int before = keepAlives.get();

            await().atMost(Duration.ofSeconds(10)).until(() -> keepAlives.get() >= before + 4 || lost.get() > 0);
            assertThat(lost.get()).as("leases declared lost").isZero();
            assertThat(lease.current()).isEqualTo(LEASE);
        }
    }

    @Test
    void aWallClockSteppedBackDoesNotDelayTheLossOfALeaseEtcdNoLongerConfirms() throws Exception {
        try (SharedLease lease = new SharedLease(connection, TTL_SECONDS, "/services/", clocks)) {
            lease.join(member);
            assertThat(lease.acquire()).isEqualTo(LEASE);
            etcdAnswers = false;
            wallOffset.addAndGet(-Duration.ofHours(1).toMillis());

            // lost after one TTL without a reply (1 s), checked every third of it: well within 10 s
            await().atMost(Duration.ofSeconds(10)).until(() -> lost.get() == 1);
            assertThat(lease.current()).isZero();
        }
    }

    /** A client whose lease calls are scripted: grants lease 7, answers keep-alives while {@link #etcdAnswers}. */
    private Client client() {
        Lease leases = (Lease) Proxy.newProxyInstance(Lease.class.getClassLoader(), new Class<?>[] {Lease.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "grant" -> CompletableFuture.completedFuture(new LeaseGrantResponse(
                            io.etcd.jetcd.api.LeaseGrantResponse.newBuilder().setID(LEASE).setTTL(TTL_SECONDS).build()));
                    case "keepAliveOnce" -> {
                        keepAlives.incrementAndGet();
                        yield etcdAnswers ? CompletableFuture.completedFuture(new LeaseKeepAliveResponse(
                                io.etcd.jetcd.api.LeaseKeepAliveResponse.newBuilder().setID(LEASE).setTTL(TTL_SECONDS).build()))
                                : new CompletableFuture<>();
                    }
                    case "revoke" -> CompletableFuture.completedFuture(new LeaseRevokeResponse(
                            io.etcd.jetcd.api.LeaseRevokeResponse.getDefaultInstance()));
                    case "close" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getLeaseClient" -> leases;
                    case "close" -> null;
                    case "toString" -> "ScriptedClient[leases]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("no " + method.getName() + " here");
                });
    }
}
