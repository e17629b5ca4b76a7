package io.etcdmp.bench;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.restclient.ServiceNameFilter;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Rest Client filter alone ({@link ServiceNameFilter}): one request by service name through its request and
 * response filter (the name read from the URI, an instance chosen from the registry's cache, the URI rebuilt; with
 * the default round-robin nothing is counted in flight), against a request to a plain {@code http://} URI, which the filter lets
 * pass (every Rest Client has the filter, so a direct call pays that much too). The request context is a plain
 * object holding a URI and properties, as a client implementation's is; the registry is the library's, following
 * one registered instance in a real etcd ({@code -Detcd.endpoints} from {@link BenchMain}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FilterBenchmark {
    static final String SERVICE = "bench-filter";
    private static final URI BY_NAME = URI.create("http://" + SERVICE + ServiceRegistry.HOST_SUFFIX + "/api/orders/ping?full=true");
    private static final URI DIRECT = URI.create("http://127.0.0.1:8080/api/orders/ping?full=true");

    private ServiceRegistry registry;
    private ServiceNameFilter filter;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        registry = Internals.registry(System.getProperty("etcd.endpoints"), Map.of());
        registry.register(ServiceInstance.of(SERVICE, "127.0.0.1", 8080));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registry.choose(SERVICE).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the registered instance of " + SERVICE + " never showed in the cache");
            }
            Thread.sleep(5);
        }
        filter = new ServiceNameFilter(registry);
        Request check = new Request(BY_NAME);
        filter.filter(check);
        if (!check.getUri().equals(DIRECT)) {
            throw new IllegalStateException("the filter sent " + BY_NAME + " to " + check.getUri() + ", not " + DIRECT);
        }
        filter.filter(check, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        registry.close();
    }

    @Benchmark
    public URI byName() {
        Request request = new Request(BY_NAME);
        filter.filter(request);
        filter.filter(request, null);
        return request.uri;
    }

    @Benchmark
    public URI direct() {
        Request request = new Request(DIRECT);
        filter.filter(request);
        filter.filter(request, null);
        return request.uri;
    }

    /** What the filter uses of a client's request: its URI and properties; the rest is never called. */
    static final class Request implements ClientRequestContext {
        URI uri;
        private final Map<String, Object> properties = new HashMap<>();

        Request(URI uri) {
            this.uri = uri;
        }

        @Override public Object getProperty(String name) { return properties.get(name); }
        @Override public Collection<String> getPropertyNames() { return properties.keySet(); }
        @Override public void setProperty(String name, Object object) { properties.put(name, object); }
        @Override public void removeProperty(String name) { properties.remove(name); }
        @Override public URI getUri() { return uri; }
        @Override public void setUri(URI uri) { this.uri = uri; }
        @Override public String getMethod() { return "GET"; }
        @Override public void setMethod(String method) { throw new UnsupportedOperationException(); }
        @Override public MultivaluedMap<String, Object> getHeaders() { throw new UnsupportedOperationException(); }
        @Override public MultivaluedMap<String, String> getStringHeaders() { throw new UnsupportedOperationException(); }
        @Override public String getHeaderString(String name) { throw new UnsupportedOperationException(); }
        @Override public Date getDate() { throw new UnsupportedOperationException(); }
        @Override public Locale getLanguage() { throw new UnsupportedOperationException(); }
        @Override public MediaType getMediaType() { throw new UnsupportedOperationException(); }
        @Override public List<MediaType> getAcceptableMediaTypes() { throw new UnsupportedOperationException(); }
        @Override public List<Locale> getAcceptableLanguages() { throw new UnsupportedOperationException(); }
        @Override public Map<String, Cookie> getCookies() { throw new UnsupportedOperationException(); }
        @Override public boolean hasEntity() { return false; }
        @Override public Object getEntity() { return null; }
        @Override public Class<?> getEntityClass() { return null; }
        @Override public Type getEntityType() { return null; }
        @Override public void setEntity(Object entity) { throw new UnsupportedOperationException(); }
        @Override public void setEntity(Object entity, Annotation[] annotations, MediaType mediaType) { throw new UnsupportedOperationException(); }
        @Override public Annotation[] getEntityAnnotations() { return new Annotation[0]; }
        @Override public OutputStream getEntityStream() { throw new UnsupportedOperationException(); }
        @Override public void setEntityStream(OutputStream outputStream) { throw new UnsupportedOperationException(); }
        @Override public jakarta.ws.rs.client.Client getClient() { throw new UnsupportedOperationException(); }
        @Override public Configuration getConfiguration() { throw new UnsupportedOperationException(); }
        @Override public void abortWith(Response response) { throw new UnsupportedOperationException(); }
    }
}
