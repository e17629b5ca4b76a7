/**
 * The seam of the SmallRye Stork provider (module {@code stork/}): the one {@code io.etcdmp.internal} package that
 * module may use besides the library's API. It hands the provider the process's {@code ServiceRegistry} (the CDI
 * bean when a container runs, else one registry built from the library's settings), so that Stork's discovery and
 * registrar work on the same cache, watches and leases as every other way of calling. Free to change with that module.
 */
package io.etcdmp.internal.stork;
