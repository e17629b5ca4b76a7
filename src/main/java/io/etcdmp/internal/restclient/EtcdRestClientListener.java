package io.etcdmp.internal.restclient;

import io.etcdmp.restclient.ServiceNameFilter;
import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.spi.RestClientBuilderListener;

/**
 * Adds {@link ServiceNameFilter} to every MicroProfile Rest Client the application builds, so that
 * {@code <configKey>/mp-rest/uri=http://billing.etcd} (or {@code @RegisterRestClient(baseUri = "http://billing.etcd")})
 * calls a live instance of {@code billing}. ({@code etcd://billing} works too where the implementation does not
 * turn the base URI into a {@code java.net.URL}: RESTEasy's does not, Jersey's does and refuses it.) Found by the Rest Client implementation through
 * {@code META-INF/services}; where MicroProfile Rest Client is absent nothing loads this class.
 */
public final class EtcdRestClientListener implements RestClientBuilderListener {
    @Override
    public void onNewBuilder(RestClientBuilder builder) {
        builder.register(new ServiceNameFilter(), ServiceNameFilter.PRIORITY);
    }
}
