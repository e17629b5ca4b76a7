/**
 * The seam of the grpc-java resolver (module {@code grpc/}): the one {@code io.etcdmp.internal} package that
 * module may use besides the library's API. It hands the resolver the process's {@code ServiceRegistry} (the CDI
 * bean when a container runs, else one registry built from the library's settings), so that the resolver works on
 * the same cache and watches as every other way of calling. Free to change with that module.
 */
package io.etcdmp.internal.grpc;
