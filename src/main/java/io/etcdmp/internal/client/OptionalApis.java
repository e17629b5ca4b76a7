package io.etcdmp.internal.client;

/**
 * Which optional APIs the library can use where it runs: MicroProfile Health for the readiness check,
 * SmallRye Config for the config source's own-type form. Internal to the library.
 */
public final class OptionalApis {
    /** MicroProfile Health is visible to the library: the readiness check can be added. */
    public static final boolean HEALTH = visible("org.eclipse.microprofile.health.HealthCheck");
    /**
     * Jakarta REST's client filter API is visible: the by-name filter and the interceptor of
     * {@code @ServiceNameFilter.EjectOnConnectFailure} can be loaded.
     */
    public static final boolean REST_CLIENT = visible("jakarta.ws.rs.client.ClientRequestFilter");
    /** The interceptor of {@code @ServiceNameFilter.EjectOnConnectFailure}, added by the extensions (beans.xml excludes its package). */
    public static final String EJECTING_INTERCEPTOR = "io.etcdmp.restclient.EjectingInterceptor";
    /** SmallRye Config's source type is visible to the library. */
    public static final boolean SMALLRYE_CONFIG = visible("io.smallrye.config.ConfigValueConfigSource");

    /** Null until checked; empty when JSON-P can be used. */
    private static volatile java.util.Optional<String> jsonProblem;

    private OptionalApis() {
    }

    /** JSON-P is there (checked once): a clear error instead of a NoClassDefFoundError deep in a call. */
    public static void requireJson() {
        java.util.Optional<String> problem = jsonProblem;
        if (problem == null) {
            problem = jsonProblem();
            jsonProblem = problem;
        }
        problem.ifPresent(message -> {
            throw new io.etcdmp.EtcdMicroprofileException(message);
        });
    }

    /**
     * Why Jakarta JSON Processing cannot be used here, or empty when it can: the registry's records are
     * JSON. Every Jakarta EE / MicroProfile server has JSON-P; a Weld SE application may lack the API or
     * an implementation, which would otherwise surface as a {@code NoClassDefFoundError} at the first call.
     */
    public static java.util.Optional<String> jsonProblem() {
        String missing;
        try {
            Class<?> provider = Class.forName("jakarta.json.spi.JsonProvider", true, OptionalApis.class.getClassLoader());
            provider.getMethod("provider").invoke(null);
            return java.util.Optional.empty();
        } catch (ClassNotFoundException | LinkageError e) {
            missing = "the JSON-P API (jakarta.json.spi.JsonProvider) is not on the class path";
        } catch (java.lang.reflect.InvocationTargetException e) {
            missing = "no JSON-P implementation was found (" + e.getCause().getMessage() + ")";
        } catch (ReflectiveOperationException e) {
            missing = "JSON-P cannot be used: " + e;
        }
        return java.util.Optional.of("The etcd service registry reads and writes JSON records and needs Jakarta JSON "
                + "Processing, but " + missing + ". Add jakarta.json:jakarta.json-api and an implementation such as "
                + "org.eclipse.parsson:parsson (MicroProfile and Jakarta EE servers have both; a Weld SE application adds them)");
    }

    /** A class of this library by name (one another package keeps package-private); an error of the build when missing. */
    public static Class<?> loadLibraryClass(String className) {
        try {
            return Class.forName(className, false, OptionalApis.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("The library jar lacks its own class " + className, e);
        }
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, OptionalApis.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
