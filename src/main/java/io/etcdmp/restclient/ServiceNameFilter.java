package io.etcdmp.restclient;

import io.etcdmp.registry.InFlightRequests;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.interceptor.InterceptorBinding;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a request addressed to {@code http://<service>.etcd/<path>} (or {@code etcd://<service>/<path>}) to
 * one live instance of the service, chosen
 * per request from the registry's local cache (no network call): {@code <scheme>://<host>:<port>/<path>},
 * query kept, scheme from the instance. Other URIs pass untouched. Where the registry's strategy is
 * {@code power-of-two}, counts the request in flight to the chosen instance ({@link ServiceRegistry#inFlight()},
 * which that strategy compares) until its response is in; other strategies never read the counts, so nothing is
 * counted there ({@link InFlightRequests#isRead()}). MicroProfile Rest Client clients get it from {@code EtcdRestClientListener} (internal); a plain
 * JAX-RS client registers it itself: {@code client.register(new ServiceNameFilter(registry))}.
 *
 * <p>A request that fails without a response (connection refused, timeout) gets no response filter; its
 * count ends with the next request this filter sees on the same thread (blocking clients send one request
 * per thread at a time).
 *
 * <p>Nor does it see a refused connection: put {@link EjectOnConnectFailure} on the Rest Client interface so that
 * a refused connection or a connect timeout ejects the instance it chose ({@link ServiceRegistry#reportFailure}).
 */
public final class ServiceNameFilter implements ClientRequestFilter, ClientResponseFilter {
    /** Before the other request filters (which then see the real URI) and after the other response filters. */
    public static final int PRIORITY = 500;
    private static final String CALL = ServiceNameFilter.class.getName() + ".call";
    /** The request property in which MicroProfile Rest Client names the interface method being invoked. */
    private static final String INVOKED_METHOD = "org.eclipse.microprofile.rest.client.invokedMethod";
    private static final System.Logger LOG = System.getLogger(ServiceNameFilter.class.getName());

    /** Slots of {@link #resolved}: a power of two; a few more than the (instance, path) pairs an application calls. */
    private static final int RESOLVED_SLOTS = 256;

    private volatile ServiceRegistry registry;
    /**
     * URIs already rebuilt, by chosen instance (the same object until its record changes) and by-name URI: most
     * requests repeat both, and parsing the rebuilt URI was most of the filter's own cost. Direct-mapped, written
     * without a lock: each slot holds an immutable entry, a collision only rebuilds once more.
     */
    private final Resolved[] resolved = new Resolved[RESOLVED_SLOTS];
    /**
     * The call each thread has open: per filter, not a ThreadLocal, so no server thread keeps the application's
     * classes; keyed by thread id, not the thread: an entry of a request that failed without a response stays until
     * the thread's next request, and a thread that ended meanwhile must not be kept.
     */
    private final Map<Long, InFlightRequests.Call> open = new ConcurrentHashMap<>();
    /** Whether this filter's first by-name request was checked for an {@link EjectOnConnectFailure} no interceptor runs. */
    private volatile boolean bindingChecked;

    /** A filter that uses {@code registry}. */
    public ServiceNameFilter(ServiceRegistry registry) {
        this.registry = registry;
    }

    /** A filter that uses the application's {@code ServiceRegistry} bean, looked up on its first {@code etcd://} request. */
    public ServiceNameFilter() {
    }

    @Override
    public void filter(ClientRequestContext request) {
        URI uri = request.getUri();
        Optional<String> name = ServiceRegistry.serviceOf(uri);
        if (name.isEmpty()) {
            return;
        }
        String service = name.get();
        ServiceRegistry services = registry(uri);
        ServiceInstance chosen = services.choose(service).orElseThrow(() -> new ProcessingException("No instance of service '"
                + service + "' to call for " + uri + ": none with status UP under " + services.prefix() + service
                + "/ in etcd (" + services.instances(service).size() + " registered)"));
        request.setUri(target(chosen, uri));
        if (EjectingInterceptor.anyOpen() || !bindingChecked) {
            handOver(services, chosen, request.getProperty(INVOKED_METHOD));
        }
        InFlightRequests inFlight = services.inFlight();
        if (!inFlight.isRead()) {
            return; // round-robin and random never read the counts: no count, no request property, no per-thread entry
        }
        InFlightRequests.Call call = inFlight.begin(chosen);
        request.setProperty(CALL, call);
        InFlightRequests.Call leftover = open.put(Thread.currentThread().getId(), call);
        if (leftover != null) {
            leftover.close(); // the previous request on this thread failed without a response
        }
    }

    @Override
    public void filter(ClientRequestContext request, ClientResponseContext response) {
        ServiceRegistry services = registry;
        if (services == null || !services.inFlight().isRead()) {
            return;
        }
        Object call = request.getProperty(CALL);
        if (call instanceof InFlightRequests.Call) {
            // the property is left: it lives only as long as this request, and a second close does nothing
            // (removing it cost RESTEasy a copy of the request's property map on every by-name request)
            ((InFlightRequests.Call) call).close();
            open.remove(Thread.currentThread().getId(), call);
        }
    }

    /** Hands the choice to the ejecting interceptor's open call; warns once when the client's binding has none. */
    private void handOver(ServiceRegistry services, ServiceInstance chosen, Object invokedMethod) {
        boolean taken = EjectingInterceptor.chose(services, chosen, invokedMethod);
        if (!bindingChecked) {
            bindingChecked = true;
            if (!taken && invokedMethod instanceof java.lang.reflect.Method m
                    && (m.isAnnotationPresent(EjectOnConnectFailure.class)
                    || m.getDeclaringClass().isAnnotationPresent(EjectOnConnectFailure.class))) {
                LOG.log(System.Logger.Level.WARNING, "{0} carries @ServiceNameFilter.EjectOnConnectFailure but its calls are "
                        + "not intercepted (a client built with RestClientBuilder is not a CDI bean): a refused connection "
                        + "does not eject the instance; inject the client with @RestClient", m.getDeclaringClass().getName());
            }
        }
    }

    /**
     * On a MicroProfile Rest Client interface (or one of its methods): when a synchronous call by name fails because the chosen instance refused the connection or did
     * not accept it in time, that instance is reported to the registry ({@link ServiceRegistry#reportFailure}),
     * which leaves it out of this application's choice for {@code etcd.discovery.eject-time}. MicroProfile Rest
     * Client runs the CDI interceptors bound to an injected client's interface; a JAX-RS filter alone never learns
     * of a failed connection. Runs inside MicroProfile Fault Tolerance's interceptor, so each attempt of a
     * {@code @Retry} reports its own failure and the next attempt chooses among the others. The failure is
     * thrown on unchanged.
     */
    @InterceptorBinding
    @Inherited
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface EjectOnConnectFailure {
    }

    /*
     * Keyed by the by-name URI's text, not the URI: every request brings a new URI object, whose hashCode and equals
     * go component by component (the host ignoring case) and were the largest part of the filter's cost inside a real
     * client; its text is usually the string it was parsed from, compared in one pass.
     */
    private URI target(ServiceInstance chosen, URI byName) {
        String text = byName.toString();
        int slot = (System.identityHashCode(chosen) * 31 + text.hashCode()) & (RESOLVED_SLOTS - 1);
        Resolved entry = resolved[slot];
        if (entry != null && entry.instance() == chosen && entry.byName().equals(text)) {
            return entry.target();
        }
        URI target = chosen.resolve(byName);
        resolved[slot] = new Resolved(chosen, text, target);
        return target;
    }

    private record Resolved(ServiceInstance instance, String byName, URI target) {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Resolved that
                    && Objects.equals(instance, that.instance)
                    && Objects.equals(byName, that.byName)
                    && Objects.equals(target, that.target);
        }

        @Override
        public int hashCode() {
            return Objects.hash(instance, byName, target);
        }

        @Override
        public String toString() {
            return "Resolved[instance=" + String.valueOf(instance)
                    + ", byName=" + String.valueOf(byName)
                    + ", target=" + String.valueOf(target) + "]";
        }
    }

    private ServiceRegistry registry(URI uri) {
        ServiceRegistry r = registry;
        if (r == null) {
            try {
                r = CDI.current().select(ServiceRegistry.class).get();
            } catch (RuntimeException | LinkageError e) {
                throw new ProcessingException("Cannot call " + uri + ": no ServiceRegistry bean to choose an instance of "
                        + ServiceRegistry.serviceOf(uri).orElse("?") + " (" + e + "); outside CDI register "
                        + "new ServiceNameFilter(registry) on the client", e);
            }
            registry = r;
        }
        return r;
    }
}
