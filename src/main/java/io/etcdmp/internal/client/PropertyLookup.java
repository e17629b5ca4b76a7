package io.etcdmp.internal.client;

import java.util.Optional;

/**
 * Where settings come from: MicroProfile Config inside a CDI container, the bootstrap sources
 * (system properties, environment, {@code microprofile-config.properties}) inside the config source,
 * or a map in tests.
 */
@FunctionalInterface
public interface PropertyLookup {
    /** The raw value of a property, or empty when it is not set (blank counts as not set). */
    Optional<String> get(String name);
}
