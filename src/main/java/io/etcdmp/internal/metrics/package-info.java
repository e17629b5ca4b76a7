/**
 * The library's metrics and JDK Flight Recorder events. Components report to {@link io.etcdmp.internal.metrics.Metrics}
 * (counters are {@code LongAdder}s, gauges are read when exported); a binding, chosen by what the runtime offers
 * (OpenTelemetry, then Micrometer, else none), exports them. Only the binding classes name an optional API, so
 * this package loads where neither is present. Internal to the library.
 */
package io.etcdmp.internal.metrics;
