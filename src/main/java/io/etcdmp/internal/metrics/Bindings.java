package io.etcdmp.internal.metrics;

import java.lang.System.Logger.Level;

/**
 * Chooses the binding from what the class path offers. The binding classes are loaded by name, so this class
 * (and so {@link Metrics}) loads where neither OpenTelemetry nor Micrometer is present.
 */
final class Bindings {
    private static final System.Logger LOG = System.getLogger(Bindings.class.getName());
    private static final String OTEL = "io.opentelemetry.api.OpenTelemetry";
    private static final String MICROMETER = "io.micrometer.core.instrument.MeterRegistry";

    private Bindings() {
    }

    /** OpenTelemetry's global instance when one was set up, else Micrometer's global registry, else none. */
    static Binding detect() {
        if (visible(OTEL)) {
            Binding global = create("io.etcdmp.internal.metrics.OpenTelemetryBinding", "global", null);
            if (global != null) {
                return global;
            }
        }
        if (visible(MICROMETER)) {
            return create("io.etcdmp.internal.metrics.MicrometerBinding", "global", null);
        }
        return null;
    }

    /** A binding to the given {@code OpenTelemetry}, or null if it is not one. */
    static Binding openTelemetry(Object openTelemetry) {
        if (openTelemetry == null || !visible(OTEL)) {
            return null;
        }
        return create("io.etcdmp.internal.metrics.OpenTelemetryBinding", "to", openTelemetry);
    }

    private static Binding create(String className, String factory, Object argument) {
        try {
            Class<?> type = Class.forName(className, true, Bindings.class.getClassLoader());
            Object result = argument == null
                    ? type.getDeclaredMethod(factory).invoke(null)
                    : type.getDeclaredMethod(factory, Object.class).invoke(null, argument);
            if (result != null) {
                LOG.log(Level.DEBUG, "etcd metrics exported through {0}", className);
            }
            return (Binding) result;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.log(Level.DEBUG, "etcd metrics cannot be exported through " + className, e);
            return null;
        }
    }

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, Bindings.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
