/**
 * The CDI portable extension, {@link io.etcdmp.cdi.EtcdExtension}, registered through
 * {@code META-INF/services}: it adds the jetcd {@code Client}, {@code ConfigStore} and
 * {@code ServiceRegistry} beans, fires the change events and registers the deployment itself. Name it
 * only where a container is built without discovery (Weld SE / weld-junit with extensions listed by hand).
 */
package io.etcdmp.cdi;
