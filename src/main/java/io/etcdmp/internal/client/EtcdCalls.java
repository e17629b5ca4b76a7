package io.etcdmp.internal.client;

import io.etcdmp.internal.metrics.Metrics;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The one way the library waits for an etcd call: bounded, cancelled when the bound passes, failures unwrapped. */
public final class EtcdCalls {
    private EtcdCalls() {
    }

    /**
     * The call's result within {@code timeout}. Throws the call's own failure (not the
     * {@code ExecutionException} around it); on timeout cancels the call and throws a
     * {@link TimeoutException} saying how long it waited; on interruption keeps the thread's flag set.
     */
    public static <T> T await(CompletableFuture<T> call, Duration timeout) throws Exception {
        return await("other", call, timeout);
    }

    /**
     * {@link #await(CompletableFuture, Duration)}, timed as {@code operation} ({@code range}, {@code txn},
     * {@code lease-grant}, ...) in {@code etcd.client.operation.duration}.
     */
    public static <T> T await(String operation, CompletableFuture<T> call, Duration timeout) throws Exception {
        long start = System.nanoTime();
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        } finally {
            Metrics.operation(operation, start);
        }
    }
}
