/**
 * Calls by service name: {@link io.etcdmp.restclient.ServiceNameFilter} sends a request addressed to
 * {@code http://<service>.etcd/...} to one live instance of the service. MicroProfile Rest Client
 * clients get it automatically; a plain JAX-RS client registers it.
 */
package io.etcdmp.restclient;
