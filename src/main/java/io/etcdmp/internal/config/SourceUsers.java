package io.etcdmp.internal.config;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Who holds one etcd config source open; guarded by the source's monitor. Two kinds of users:
 * <ul>
 * <li>the {@code Config}s it was handed to ({@link EtcdConfigSourceProvider} shares one source among the Configs
 * of one class loader built with the same settings: Open Liberty builds two with MicroProfile Fault Tolerance).
 * Each {@code close()} gives one such hold back, and the last one closes the source, even while a container still
 * claims it (a test that releases the Config of a container that failed to start); a source made directly (no
 * share) closes at its first close.</li>
 * <li>the CDI containers running with it (several at once in one JVM and class loader: parallel weld-junit
 * classes, an embedded second container). A container that stops closes the source only when it was the last
 * one; then it closes whatever Configs still hold it, because the runtime may have built Configs (Liberty's
 * second one) that no container knows of, and nothing else would ever close them.</li>
 * </ul>
 */
final class SourceUsers {
    private int configs;
    private final Set<Object> containers = Collections.newSetFromMap(new IdentityHashMap<>());

    /** One more Config holds the source; returns true. */
    boolean addConfig() {
        configs++;
        return true;
    }

    /** A Config's hold given back ({@code close()}); returns whether the source must close now (no Config holds it). */
    boolean closeConfig() {
        configs = Math.max(0, configs - 1);
        return configs == 0;
    }

    /** A container runs with the source; returns whether it is a new user. */
    boolean claim(Object container) {
        return containers.add(container);
    }

    /** A container stopped; returns whether the source must close now (it was the last container using it). */
    boolean release(Object container) {
        if (!containers.remove(container) || !containers.isEmpty()) {
            return false;
        }
        configs = 0;
        return true;
    }

    @Override
    public String toString() {
        return configs + " Config(s), " + containers.size() + " container(s)";
    }
}
