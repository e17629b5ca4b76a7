package io.etcdmp.internal.cdi;

import jakarta.enterprise.inject.spi.BeanManager;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.Optional;

/**
 * The runtime's HTTP server, where the runtime tells its bound port through its CDI extension: Helidon
 * MP's {@code ServerCdiExtension.port()}, known once its server listens (so {@code server.port=0}, a
 * random port, is registered as the port actually bound). Read reflectively: the library does not
 * depend on any runtime.
 */
public final class RuntimeServer {
    private static final System.Logger LOG = System.getLogger(RuntimeServer.class.getName());
    private static final String HELIDON_SERVER = "io.helidon.microprofile.server.ServerCdiExtension";

    private final Object extension;
    private final Method port;

    private RuntimeServer(Object extension, Method port) {
        this.extension = extension;
        this.port = port;
    }

    /** The runtime's server, where this runtime tells its bound port; empty elsewhere. */
    public static Optional<RuntimeServer> of(BeanManager beans) {
        Class<?> type = load(HELIDON_SERVER);
        if (type == null) {
            return Optional.empty();
        }
        try {
            Object extension = beans.getExtension(type.asSubclass(jakarta.enterprise.inject.spi.Extension.class));
            return Optional.of(new RuntimeServer(extension, type.getMethod("port")));
        } catch (IllegalArgumentException | ClassCastException | NoSuchMethodException e) {
            return Optional.empty(); // on the class path but not this container's extension, or another version
        }
    }

    /** The port the server listens on; 0 while it does not (yet). */
    public int boundPort() {
        try {
            return (Integer) port.invoke(extension);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.DEBUG, "Cannot read the bound port from " + HELIDON_SERVER, e);
            return 0;
        }
    }

    private static Class<?> load(String name) {
        for (ClassLoader loader : new ClassLoader[] {RuntimeServer.class.getClassLoader(), Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // not this runtime
            }
        }
        return null;
    }
}
