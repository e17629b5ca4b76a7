package io.etcdmp.stork;

import io.etcdmp.registry.InFlightRequests;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceChangeEvent;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** A registry that counts the watches opened through it and not yet closed; everything else goes to the real one. */
final class CountingRegistry implements ServiceRegistry {
    private final ServiceRegistry real;
    private final AtomicInteger open = new AtomicInteger();

    CountingRegistry(ServiceRegistry real) {
        this.real = real;
    }

    int openWatches() {
        return open.get();
    }

    @Override
    public AutoCloseable watch(String service, Consumer<List<ServiceInstance>> listener) {
        return counted(real.watch(service, listener));
    }

    @Override
    public AutoCloseable follow(String service, Consumer<List<ServiceInstance>> listener) {
        return counted(real.follow(service, listener));
    }

    private AutoCloseable counted(AutoCloseable handle) {
        open.incrementAndGet();
        return () -> {
            open.decrementAndGet();
            handle.close();
        };
    }

    @Override
    public Registration register(ServiceInstance instance) {
        return real.register(instance);
    }

    @Override
    public String prefix() {
        return real.prefix();
    }

    @Override
    public Optional<Registration> selfRegistration() {
        return real.selfRegistration();
    }

    @Override
    public List<ServiceInstance> instances(String service) {
        return real.instances(service);
    }

    @Override
    public Set<String> services() {
        return real.services();
    }

    @Override
    public Optional<ServiceInstance> choose(String service) {
        return real.choose(service);
    }

    @Override
    public Optional<ServiceInstance> choose(String service, Strategy strategy) {
        return real.choose(service, strategy);
    }

    @Override
    public Optional<URI> uri(String service) {
        return real.uri(service);
    }

    @Override
    public InFlightRequests inFlight() {
        return real.inFlight();
    }

    @Override
    public AutoCloseable onEveryChange(Consumer<ServiceChangeEvent> listener) {
        return real.onEveryChange(listener);
    }

    @Override
    public boolean isWatchLive() {
        return real.isWatchLive();
    }

    @Override
    public void close() {
        // the real registry is the process's
    }
}
