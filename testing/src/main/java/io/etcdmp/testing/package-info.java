/**
 * A real etcd for JUnit 5 tests (artifact {@code io.etcdmp:etcd-microprofile-testing}).
 *
 * <p>{@link io.etcdmp.testing.LocalEtcd} is the one-line extension for an application's tests: it
 * starts etcd, sets {@code etcd.endpoints}, clears the keyspace before each test and offers fault
 * operations. Under it, {@link io.etcdmp.testing.EtcdCluster} runs 1..9 local etcd members (TLS,
 * authentication, member control), {@link io.etcdmp.testing.Etcdctl} wraps {@code etcdctl}, and
 * {@link io.etcdmp.testing.TestCertificates} makes a throw-away PKI with openssl. Every other type
 * is package-private.
 */
package io.etcdmp.testing;
