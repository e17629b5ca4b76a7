package io.etcdmp.internal.cdi;

import io.etcdmp.internal.client.NettyThreadState;
import io.etcdmp.registry.ServiceInstance;
import jakarta.enterprise.inject.spi.BeanManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Holds the deployment's self-registration until the application serves, in a servlet container (Payara,
 * WildFly, Open Liberty). There the application scope starts, where the library registers, while the runtime
 * is still deploying the application: Payara answered 404, 503 and 500 for up to 1.3 s after the record
 * appeared, WildFly's hot deploy 404 for 1.2 s. No portable signal says "serving" there, so the library asks
 * the application itself: it sends {@code GET <context root>/} with a header carrying a nonce to the address
 * it is about to publish, and registers once its own container has seen that request start (CDI's
 * {@code @Initialized(RequestScoped.class)}, whose payload is the servlet request): a refused connection or the
 * runtime's 404 for a context it does not serve yet never reaches the application. Bounded by {@link #LIMIT}:
 * then it registers anyway and says so. Elsewhere (Weld SE; Helidon, which tells its bound port once it
 * listens) it registers at once. Everything servlet is reached by reflection: the servlet API need not be there,
 * nor visible to the application (Open Liberty with restfulWS but no servlet feature).
 */
public final class ServingProbe {
    /** How long the registration waits for the application to answer on its published address. */
    public static final Duration LIMIT = Duration.ofSeconds(120);
    static final String HEADER = "X-Etcdmp-Serving-Probe";
    private static final System.Logger LOG = System.getLogger(ServingProbe.class.getName());
    private static final String SERVLET_CONTEXT = "jakarta.servlet.ServletContext";
    private static final String HTTP_REQUEST = "jakarta.servlet.http.HttpServletRequest";
    private static final String WEB_INF_CLASSES = "/WEB-INF/classes/";
    private static final int CONNECT_MILLIS = 1_000;
    private static final int ANSWER_MILLIS = 10_000;
    private static final long FIRST_PAUSE_MILLIS = 50;
    private static final long LONGEST_PAUSE_MILLIS = 500;

    private final String nonce = UUID.randomUUID().toString();
    private final CountDownLatch seen = new CountDownLatch(1);
    private volatile Method header;
    private volatile boolean cancelled;
    private volatile Thread prober;
    /** The probe's connection while a request is under way: {@link #cancel} closes it (an interrupt cannot end a socket read). */
    private volatile Socket open;

    /**
     * Runs {@code register} once the application serves, where {@code scope} (the payload of
     * {@code @Initialized(ApplicationScoped.class)}) or the container says it is a web application; at once elsewhere.
     */
    public void register(BeanManager beans, Object scope, ServiceInstance self, Runnable register) {
        Supplier<List<String>> paths = contextPaths(beans, scope);
        if (paths == null) {
            register.run();
            return;
        }
        probeInBackground(paths, self, register);
    }

    /** Probes {@code paths} on {@code self}'s address on a thread of its own, then registers (package-private for tests). */
    void probeInBackground(Supplier<List<String>> paths, ServiceInstance self, Runnable register) {
        Thread thread = new Thread(() -> probe(paths, self, register), "etcd-microprofile-serving-probe");
        thread.setDaemon(true);
        prober = thread;
        thread.start();
    }

    /** Observes every request context that starts: the probe's request, once the application serves it. */
    public void requestStarted(Object request) {
        Method get = header;
        if (get == null || seen.getCount() == 0 || !get.getDeclaringClass().isInstance(request)) {
            return;
        }
        try {
            Object value = get.invoke(request, HEADER);
            if (nonce.equals(value)) {
                seen.countDown();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Cannot read the header " + HEADER + " of a request", e);
        }
    }

    /** Stops waiting (the application stops): registers nothing later; waits for a registration under way. */
    public void cancel() {
        cancelled = true;
        Thread thread = prober;
        if (thread != null && thread != Thread.currentThread()) {
            closeQuietly(open);
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The context paths to probe, asked again before every probe (an empty list while unknown); null when this is
     * not a web application in a servlet container (no servlet context as payload nor as a bean), or where the
     * runtime tells its own server's start (Helidon).
     */
    private Supplier<List<String>> contextPaths(BeanManager beans, Object scope) {
        Class<?> contextType = load(SERVLET_CONTEXT, scope);
        Class<?> requestType = load(HTTP_REQUEST, scope);
        if (contextType == null || requestType == null || RuntimeServer.of(beans).isPresent()) {
            return null;
        }
        try {
            Method getHeader = requestType.getMethod("getHeader", String.class);
            Method path = contextType.getMethod("getContextPath");
            if (contextType.isInstance(scope)) {
                List<String> known = List.of((String) path.invoke(scope));
                header = getHeader;
                return () -> known;
            }
            if (beans.getBeans(contextType).isEmpty()) {
                return null; // the servlet API on the class path, but no servlet container (Weld SE)
            }
            header = getHeader;
            // the application scope started before the web application (Payara): ask the container's servlet context
            // bean, else try the application's directory name (Payara's default context root) and the root
            List<String> guesses = guessedContextPaths();
            return () -> {
                try {
                    return List.of((String) path.invoke(beans.createInstance().select(contextType).get()));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return guesses;
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Cannot tell the web application's context path: registering at once", e);
            return null;
        }
    }

    /**
     * Where Payara serves a WAR unless told otherwise: under the name of the directory it unpacked it to
     * ({@code .../applications/<name>/WEB-INF/classes/} on the application's class loader); and the root (a WAR deployed
     * with {@code --contextroot /} answers every path, these two included).
     */
    private static List<String> guessedContextPaths() {
        List<String> paths = new ArrayList<>();
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            for (URL url : loader.getURLs()) {
                String path = url.getPath();
                if (path.endsWith(WEB_INF_CLASSES)) {
                    String application = path.substring(0, path.length() - WEB_INF_CLASSES.length());
                    paths.add(application.substring(application.lastIndexOf('/')));
                }
            }
        }
        paths.add("");
        return List.copyOf(paths);
    }

    private void probe(Supplier<List<String>> contextPaths, ServiceInstance self, Runnable register) {
        try {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            long pause = FIRST_PAUSE_MILLIS;
            String last = "no context path known";
            while (!cancelled && seen.getCount() > 0) {
                List<String> paths = contextPaths.get();
                for (String path : paths) {
                    last = request(self, path);
                    LOG.log(Level.DEBUG, "Serving probe of {0}: {1} answered {2}", self.service(), address(self, path), last);
                    if (last == null || seen.getCount() == 0) {
                        break; // cannot tell over TLS (said why): register now
                    }
                }
                if (last == null || seen.getCount() == 0) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    LOG.log(Level.WARNING, "Service {0}: its application did not answer a request on {1} within {2} s (last: {3}); "
                            + "registering it anyway. Check that etcd.registry.host and etcd.registry.port are where it serves",
                            self.service(), paths.stream().map(p -> address(self, p)).toList(), LIMIT.toSeconds(), last);
                    break;
                }
                if (seen.await(pause, TimeUnit.MILLISECONDS)) {
                    break; // an earlier probe's request reached the application meanwhile
                }
                pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
            }
            if (!cancelled) {
                register.run();
            }
        } catch (InterruptedException e) {
            LOG.log(Level.DEBUG, "Serving probe of {0} stopped: the application stops", self.service());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Service " + self.service() + " could not register itself", e);
        } finally {
            NettyThreadState.release();
        }
    }

    /** One probe request: what came back, e.g. "HTTP/1.1 404 Not Found"; null when TLS prevents the probe (logged). */
    private String request(ServiceInstance self, String path) throws InterruptedException {
        String target = address(self, path);
        try (Socket socket = socket(self)) {
            open = socket;
            if (cancelled) {
                throw new InterruptedException();
            }
            socket.connect(new InetSocketAddress(self.host(), self.port()), CONNECT_MILLIS);
            socket.setSoTimeout(ANSWER_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + "/ HTTP/1.1\r\nHost: " + hostPort(self) + "\r\n" + HEADER + ": " + nonce
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return statusLine(socket.getInputStream());
        } catch (SSLException e) {
            LOG.log(Level.INFO, "Service {0}: cannot tell whether its application answers on {1} ({2}); registering it now",
                    self.service(), target, e.getMessage());
            return null;
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException e) {
            if (Thread.interrupted() || cancelled) {
                throw new InterruptedException();
            }
            return e.toString();
        } finally {
            open = null;
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing to end a read: nothing to do about a failure
            }
        }
    }

    private static Socket socket(ServiceInstance self) throws IOException {
        return "https".equalsIgnoreCase(self.scheme()) ? SSLSocketFactory.getDefault().createSocket() : new Socket();
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\r' && b != '\n' && line.length() < 200; b = in.read()) {
            line.append((char) b);
        }
        return line.length() == 0 ? "no answer" : line.toString();
    }

    private static String address(ServiceInstance self, String path) {
        return self.scheme() + "://" + hostPort(self) + path + "/";
    }

    private static String hostPort(ServiceInstance self) {
        return (self.host().contains(":") ? "[" + self.host() + "]" : self.host()) + ":" + self.port();
    }

    private static Class<?> load(String name, Object scope) {
        ClassLoader[] loaders = {scope == null ? null : scope.getClass().getClassLoader(),
            Thread.currentThread().getContextClassLoader(), ServingProbe.class.getClassLoader()};
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // not visible from this loader
            }
        }
        return null;
    }
}
