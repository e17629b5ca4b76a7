package io.etcdmp.config;

/**
 * Told of every change of the etcd config source, in revision order, on the library's event thread.
 * The source's values are already updated when it is called. Exceptions are logged and do not stop
 * delivery to other listeners.
 */
@FunctionalInterface
public interface ConfigChangeListener {
    void onChange(ConfigChangeEvent event);
}
