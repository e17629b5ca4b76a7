/**
 * The seam of the modules that call by name without the Rest Client: the grpc-java resolver (module {@code grpc/})
 * and the SmallRye Stork provider (module {@code stork/}), the one {@code io.etcdmp.internal} package those modules
 * may use besides the library's API. {@link io.etcdmp.internal.process.ProcessRegistry} hands them the process's
 * {@code ServiceRegistry} (the CDI bean when a container runs, else one registry built from the library's settings,
 * shared by both), so that they work on the same cache, watches, leases and ejections as every other way of calling.
 * Free to change with those modules.
 */
package io.etcdmp.internal.process;
