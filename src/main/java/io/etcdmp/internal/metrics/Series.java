package io.etcdmp.internal.metrics;

import java.util.Map;
import java.util.Objects;

/**
 * One time series: a metric's name and its attributes. Attributes name a prefix, a service, a reason or an
 * operation: never a key or a value (keys and values may be secrets).
 *
 * @param name the metric's name ({@code etcd.config.changes})
 * @param attributes attribute names to values, in a stable order
 */
public record Series(String name, Map<String, String> attributes) {
    public Series {
        Objects.requireNonNull(name, "name");
        attributes = Map.copyOf(attributes);
    }

    static Series of(String name) {
        return new Series(name, Map.of());
    }

    static Series of(String name, String attribute, String value) {
        return new Series(name, Map.of(attribute, value));
    }

    static Series of(String name, String a1, String v1, String a2, String v2) {
        return new Series(name, Map.of(a1, v1, a2, v2));
    }

    @Override
    public boolean equals(Object other) {
        return other == this || other instanceof Series that
                && Objects.equals(name, that.name)
                && Objects.equals(attributes, that.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, attributes);
    }

    @Override
    public String toString() {
        return "Series[name=" + name + ", attributes=" + attributes + "]";
    }
}
