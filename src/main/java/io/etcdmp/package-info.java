/**
 * etcd as the config center and service registry of MicroProfile / Jakarta EE applications. The API is
 * in {@link io.etcdmp.config} (the etcd {@code ConfigSource}, {@code ConfigStore}, change events),
 * {@link io.etcdmp.registry} ({@code ServiceRegistry}, instances, registrations),
 * {@link io.etcdmp.restclient} (calls by service name) and {@link io.etcdmp.cdi} (the CDI extension that
 * provides the beans); its one exception is {@link io.etcdmp.EtcdMicroprofileException}. Packages under
 * {@code io.etcdmp.internal} are not API and change without notice.
 */
package io.etcdmp;
