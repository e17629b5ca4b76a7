package io.etcdmp;

/**
 * Which optional APIs the library can use where it runs: MicroProfile Health for the readiness check,
 * SmallRye Config for the config source's own-type form. Internal to the library.
 */
public final class OptionalApis {
    /** MicroProfile Health is visible to the library: the readiness check can be added. */
    public static final boolean HEALTH = visible("org.eclipse.microprofile.health.HealthCheck");
    /** SmallRye Config's source type is visible to the library. */
    public static final boolean SMALLRYE_CONFIG = visible("io.smallrye.config.ConfigValueConfigSource");

    private OptionalApis() {
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
