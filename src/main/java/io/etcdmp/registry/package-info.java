/**
 * The service registry on etcd: {@link io.etcdmp.registry.ServiceRegistry} registers
 * {@link io.etcdmp.registry.ServiceInstance}s under leases ({@link io.etcdmp.registry.Registration}),
 * discovers and chooses instances of any service, including services of other languages that write
 * their records in another shape, and reports changes ({@link io.etcdmp.registry.ServiceChangeEvent}).
 */
package io.etcdmp.registry;
