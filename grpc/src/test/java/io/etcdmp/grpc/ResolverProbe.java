package io.etcdmp.grpc;

import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A name resolver's surroundings in a channel, for tests of the resolver on its own: a synchronization context whose
 * failures are kept ({@link #errors}), an offload executor, a timer, and a listener keeping each result's instance ids
 * ({@link #results}; one delivered off the context is an error) and each error ({@link #failures}).
 */
final class ResolverProbe extends NameResolver.Listener2 implements AutoCloseable {
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final SynchronizationContext sync = new SynchronizationContext((thread, e) -> errors.add(e));
    final ExecutorService offload = Executors.newFixedThreadPool(2);
    final List<List<String>> results = new CopyOnWriteArrayList<>();
    final List<Status> failures = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    /** Args without a timer (the resolver then schedules nothing itself): port 443, no proxy, this probe's context and executor. */
    NameResolver.Args args() {
        return builder().build();
    }

    /** Args as a channel gives them, with its timer. */
    NameResolver.Args channelArgs() {
        return builder().setScheduledExecutorService(timer).build();
    }

    private NameResolver.Args.Builder builder() {
        return NameResolver.Args.newBuilder().setDefaultPort(443).setProxyDetector(address -> null)
                .setSynchronizationContext(sync).setOffloadExecutor(offload)
                .setServiceConfigParser(new NameResolver.ServiceConfigParser() {
                    @Override
                    public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> config) {
                        return NameResolver.ConfigOrError.fromError(Status.UNIMPLEMENTED);
                    }
                });
    }

    /** The last result's instance ids, in the resolver's order; none before the first. */
    List<String> last() {
        return results.isEmpty() ? List.of() : results.get(results.size() - 1);
    }

    @Override
    public void onResult(NameResolver.ResolutionResult result) {
        onResult2(result);
    }

    @Override
    public Status onResult2(NameResolver.ResolutionResult result) {
        try {
            sync.throwIfNotInThisSynchronizationContext();
        } catch (IllegalStateException elsewhere) {
            errors.add(elsewhere);
        }
        results.add(result.getAddressesOrError().getValue().stream()
                .map(g -> g.getAttributes().get(EtcdNameResolverProvider.INSTANCE_ID)).toList());
        return Status.OK;
    }

    @Override
    public void onError(Status error) {
        failures.add(error);
    }

    @Override
    public void close() {
        offload.shutdownNow();
        timer.shutdownNow();
    }
}
