/**
 * Configuration in etcd: the MicroProfile {@link io.etcdmp.config.EtcdConfigSource} (a local snapshot of
 * key prefixes kept current by a watch), {@link io.etcdmp.config.ConfigStore} to read, write, watch,
 * list the history of and roll back properties from code, and the change events
 * ({@link io.etcdmp.config.ConfigChangeEvent}, observed in CDI, optionally filtered with
 * {@link io.etcdmp.config.ConfigChanged}).
 */
package io.etcdmp.config;
