package io.etcdmp.internal.metrics;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Where the library's components report their metrics. Counting is a {@code LongAdder} increment and gauges
 * are read only when exported, so with no metrics API present the cost is that increment. One instance per
 * class loader of the library (each deployment of a server has its own).
 *
 * <p>The export is bound once: to the {@code OpenTelemetry} a CDI container offers ({@link #bindTo}), or on the
 * first report to {@code GlobalOpenTelemetry} when it is set up, else to Micrometer's global registry when
 * Micrometer is present, else to nothing.</p>
 */
public final class Metrics {
    private static final System.Logger LOG = System.getLogger(Metrics.class.getName());
    private static final Map<Series, LongAdder> COUNTERS = new ConcurrentHashMap<>();
    private static final List<GaugeSource> GAUGES = new CopyOnWriteArrayList<>();
    private static volatile Binding binding;
    /** The OpenTelemetry instances containers bound, in order; the last one is exported to. Guarded by the class. */
    private static final List<Object> BOUND = new java.util.ArrayList<>();
    /** The CDI containers running with the library ({@link #user}). Guarded by the class. */
    private static int users;
    private static volatile boolean detected;
    private static volatile boolean refusalLogged;

    private Metrics() {
    }

    /** Adds {@code amount} to a counter series. */
    public static void count(Metric metric, Map<String, String> attributes, long amount) {
        if (amount <= 0) {
            return;
        }
        counter(new Series(metric.id(), attributes)).add(amount);
    }

    /** Adds one to a counter series with one attribute. */
    public static void count(Metric metric, String attribute, String value) {
        counter(Series.of(metric.id(), attribute, value)).increment();
    }

    /** Adds one to a counter series without attributes. */
    public static void count(Metric metric) {
        counter(Series.of(metric.id())).increment();
    }

    /** Records the duration of an etcd call that started at {@code startNanos} ({@code System.nanoTime()}). */
    public static void operation(String operation, long startNanos) {
        Binding current = bound();
        if (current != null) {
            try {
                current.recordDuration(Metric.OPERATION_DURATION, Map.of("operation", operation),
                        (System.nanoTime() - startNanos) / 1e9);
            } catch (RuntimeException | LinkageError e) {
                refused(Metric.OPERATION_DURATION.id(), e);
            }
        }
    }

    /** Adds a component's gauges; closing the result removes them. */
    public static AutoCloseable gauges(GaugeSource source) {
        GAUGES.add(source);
        gaugesChanged();
        return () -> {
            GAUGES.remove(source);
            Binding current = binding; // no detection: a component closing after the export ended must not start it again
            if (current != null) {
                try {
                    current.gaugesChanged();
                } catch (RuntimeException | LinkageError e) {
                    refused("gauges", e);
                }
            }
        };
    }

    /** The series a component reports changed (a service or a status appeared or went). */
    public static void gaugesChanged() {
        Binding current = bound();
        if (current != null) {
            try {
                current.gaugesChanged();
            } catch (RuntimeException | LinkageError e) {
                refused("gauges", e);
            }
        }
    }

    /** The counter's total so far (0 when never counted). */
    public static long total(Metric metric, Map<String, String> attributes) {
        LongAdder adder = COUNTERS.get(new Series(metric.id(), attributes));
        return adder == null ? 0 : adder.sum();
    }

    /**
     * Binds the export to {@code openTelemetry} (an {@code io.opentelemetry.api.OpenTelemetry} a CDI container
     * offers), replacing a binding made by detection; closing the result gives the export back to the container bound
     * before it that still runs (several containers in one class loader), else to detection. Does nothing if the class
     * is not OpenTelemetry's.
     */
    public static synchronized AutoCloseable bindTo(Object openTelemetry) {
        Binding next = Bindings.openTelemetry(openTelemetry);
        if (next == null) {
            return () -> { };
        }
        BOUND.add(openTelemetry);
        replace(next);
        detected = true;
        return () -> released(openTelemetry);
    }

    /** A container's OpenTelemetry goes: the export moves to the last one bound that is still there, else to detection. */
    private static synchronized void released(Object openTelemetry) {
        int at = -1;
        for (int i = 0; i < BOUND.size(); i++) {
            if (BOUND.get(i) == openTelemetry) {
                at = i;
            }
        }
        if (at < 0) {
            return;
        }
        boolean current = at == BOUND.size() - 1;
        BOUND.remove(at);
        if (!current) {
            return;
        }
        if (BOUND.isEmpty()) {
            replace(null);
            detected = false;
        } else {
            replace(Bindings.openTelemetry(BOUND.get(BOUND.size() - 1)));
            detected = true;
        }
    }

    /**
     * A CDI container runs with the library; closing the result says it stopped. When the last one stops, the export
     * ends ({@link #unbind}): a binding made by detection registered callbacks holding the library's classes with
     * {@code GlobalOpenTelemetry} or Micrometer's global registry, which may outlive this class loader (an agent,
     * a server's shared library) and would pin it, exporting its stale counters beside the next deployment's.
     */
    public static synchronized AutoCloseable user() {
        users++;
        java.util.concurrent.atomic.AtomicBoolean gone = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (gone.compareAndSet(false, true)) {
                userGone();
            }
        };
    }

    private static synchronized void userGone() {
        users = Math.max(0, users - 1);
        if (users == 0) {
            unbind();
        }
    }

    /** Ends the export (the library's last user is gone); a later report detects again. */
    public static synchronized void unbind() {
        BOUND.clear();
        replace(null);
        detected = false;
    }

    static void forEachCounter(Metric metric, BiConsumer<Map<String, String>, Long> sink) {
        COUNTERS.forEach((series, adder) -> {
            if (series.name().equals(metric.id())) {
                sink.accept(series.attributes(), adder.sum());
            }
        });
    }

    /**
     * Every source's values of gauge {@code metric}, one per attribute set: sources reporting the same set (two
     * registries on one prefix, two config sources of the same prefixes, in one class loader) are combined, as
     * {@link #combine}.
     */
    static void observe(Metric metric, GaugeSource.Sink sink) {
        Map<Map<String, String>, Double> points = new java.util.LinkedHashMap<>();
        for (GaugeSource source : GAUGES) {
            try {
                source.observe(metric, (attributes, value) -> points.merge(attributes, value, (a, b) -> combine(metric, a, b)));
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "A gauge of " + metric.id() + " failed", e);
            }
        }
        points.forEach(sink::record);
    }

    /**
     * Registrations add up; two sources' instances or keys of one prefix are the same ones (the highest count);
     * the lowest revision; the worst staleness and sync age.
     */
    private static double combine(Metric metric, double a, double b) {
        return switch (metric) {
            case REGISTRATIONS -> a + b;
            case CONFIG_REVISION -> Math.min(a, b);
            default -> Math.max(a, b);
        };
    }

    static Iterable<Series> counterSeries() {
        return COUNTERS.keySet();
    }

    private static LongAdder counter(Series series) {
        LongAdder adder = COUNTERS.get(series);
        if (adder != null) {
            return adder;
        }
        adder = COUNTERS.computeIfAbsent(series, s -> new LongAdder());
        Binding current = bound();
        if (current != null) {
            try {
                current.seriesAdded(series);
            } catch (RuntimeException | LinkageError e) {
                refused(series.name(), e);
            }
        }
        return adder;
    }

    /**
     * The metrics backend refused a meter (Micrometer throws when the application registered another type under
     * the same name): the metric is lost, never the work it counts (an etcd call, a change event). Said once.
     */
    private static void refused(String metric, Throwable e) {
        if (!refusalLogged) {
            refusalLogged = true;
            LOG.log(Level.WARNING, "The metrics backend refused the etcd metric " + metric + " (" + e
                    + "); the library goes on without it. Later refusals are logged at DEBUG");
        } else {
            LOG.log(Level.DEBUG, "The metrics backend refused the etcd metric " + metric, e);
        }
    }

    private static Binding bound() {
        if (!detected) {
            detect();
        }
        return binding;
    }

    private static synchronized void detect() {
        if (!detected) {
            detected = true;
            replace(Bindings.detect());
        }
    }

    private static void replace(Binding next) {
        Binding previous = binding;
        binding = next;
        if (previous != null) {
            try {
                previous.close();
            } catch (RuntimeException | LinkageError e) {
                refused("(closing the export)", e);
            }
        }
    }
}
