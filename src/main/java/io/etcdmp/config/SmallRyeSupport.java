package io.etcdmp.config;

/** Whether SmallRye Config's source type can be used from the library's class loader. */
final class SmallRyeSupport {
    static final boolean AVAILABLE = visible("io.smallrye.config.ConfigValueConfigSource");

    private SmallRyeSupport() {
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, SmallRyeSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
