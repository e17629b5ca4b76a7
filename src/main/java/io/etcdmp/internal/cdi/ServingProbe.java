package io.etcdmp.internal.cdi;

import io.etcdmp.internal.client.NettyThreadState;
import io.etcdmp.registry.ServiceInstance;
import jakarta.enterprise.inject.spi.BeanManager;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Holds the deployment's self-registration until the application serves, in a servlet container (Payara,
 * WildFly, Open Liberty). There the application scope starts, where the library registers, while the runtime
 * is still deploying the application: Payara answered 404, 503 and 500 for up to 1.3 s after the record
 * appeared, WildFly's hot deploy 404 for 1.2 s. No portable signal says "serving" there, so the library asks
 * the application itself: it sends {@code GET <context root>/} with a header carrying a nonce to the address
 * it is about to publish, and registers once that request has reached the application ({@link ServingListener},
 * a servlet request listener): a refused connection or the runtime's 404 for a context it does not serve yet
 * never does. Bounded by {@link #LIMIT}: then it registers anyway and says so. Elsewhere (Weld SE; Helidon,
 * which tells its bound port once it listens) it registers at once.
 *
 * <p>The context path and the probes are static: the servlet container creates the listener, the CDI extension
 * the probe, both from the library's copy in the application ({@code WEB-INF/lib}).
 */
public final class ServingProbe {
    /** How long the registration waits for the application to answer on its published address. */
    public static final Duration LIMIT = Duration.ofSeconds(120);
    static final String HEADER = "X-Etcdmp-Serving-Probe";
    private static final System.Logger LOG = System.getLogger(ServingProbe.class.getName());
    private static final String SERVLET_CONTEXT = "jakarta.servlet.ServletContext";
    private static final int CONNECT_MILLIS = 1_000;
    private static final int ANSWER_MILLIS = 10_000;
    private static final long FIRST_PAUSE_MILLIS = 50;
    private static final long LONGEST_PAUSE_MILLIS = 500;
    private static final Set<ServingProbe> WAITING = ConcurrentHashMap.newKeySet();
    private static volatile String contextPath;

    private final String nonce = UUID.randomUUID().toString();
    private final CountDownLatch seen = new CountDownLatch(1);
    private volatile boolean cancelled;
    private volatile Thread prober;

    /** The servlet container starts the web application (before or after the application scope started). */
    static void webApplicationStarts(String path) {
        contextPath = path;
    }

    static boolean isWaiting() {
        return !WAITING.isEmpty();
    }

    /** A request reached the application, with this value of {@link #HEADER} (null: not a probe's). */
    static void requestStarted(String probeHeader) {
        if (probeHeader != null) {
            WAITING.stream().filter(p -> p.nonce.equals(probeHeader)).forEach(p -> p.seen.countDown());
        }
    }

    /** Runs {@code register} once the application serves, in a servlet container; at once elsewhere. */
    public void register(BeanManager beans, ServiceInstance self, Runnable register) {
        if (!inServletContainer(beans)) {
            register.run();
            return;
        }
        WAITING.add(this);
        Thread thread = new Thread(() -> probe(self, register), "etcd-microprofile-serving-probe");
        thread.setDaemon(true);
        prober = thread;
        thread.start();
    }

    /** Stops waiting (the application stops): registers nothing later; waits for a registration under way. */
    public void cancel() {
        cancelled = true;
        WAITING.remove(this);
        Thread thread = prober;
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A servlet container started or will start the web application: it told the context path already, or the
     * container has the servlet context bean every Jakarta EE web container provides (the servlet API alone on the
     * class path, as in Weld SE, is not enough). Not where the runtime tells its own server's start (Helidon).
     */
    private static boolean inServletContainer(BeanManager beans) {
        if (RuntimeServer.of(beans).isPresent()) {
            return false;
        }
        if (contextPath != null) {
            return true;
        }
        try {
            Class<?> servletContext = Class.forName(SERVLET_CONTEXT, false, ServingProbe.class.getClassLoader());
            return !beans.getBeans(servletContext).isEmpty();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    private void probe(ServiceInstance self, Runnable register) {
        try {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            long pause = FIRST_PAUSE_MILLIS;
            String last = "the servlet container did not start the web application";
            while (!cancelled && seen.getCount() > 0) {
                String path = contextPath;
                if (path != null) {
                    last = request(self, path);
                    if (last == null) {
                        break; // cannot tell over TLS: said why, register now
                    }
                }
                if (seen.getCount() == 0) {
                    break;
                }
                if (System.nanoTime() - deadline >= 0) {
                    LOG.log(Level.WARNING, "Service {0}: its application did not answer a request on {1} within {2} s (last: {3}); "
                            + "registering it anyway. Check that etcd.registry.host and etcd.registry.port are where it serves",
                            self.service(), address(self, path == null ? "" : path), LIMIT.toSeconds(), last);
                    break;
                }
                seen.await(pause, TimeUnit.MILLISECONDS);
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
            WAITING.remove(this);
            NettyThreadState.release();
        }
    }

    /** One probe request: what came back, e.g. "HTTP/1.1 404 Not Found"; null when TLS prevents the probe (logged). */
    private String request(ServiceInstance self, String path) throws InterruptedException {
        String target = address(self, path);
        try (Socket socket = socket(self)) {
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
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return e.toString();
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
}
