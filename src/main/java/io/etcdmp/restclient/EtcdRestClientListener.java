package io.etcdmp.restclient;

import org.eclipse.microprofile.rest.client.RestClientBuilder;
import org.eclipse.microprofile.rest.client.spi.RestClientBuilderListener;

/**
 * Adds {@link ServiceNameFilter} to every MicroProfile Rest Client the application builds, so that
 * {@code <configKey>/mp-rest/uri=etcd://billing} (or {@code @RegisterRestClient(baseUri = "etcd://billing")})
 * calls a live instance of {@code billing}. Found by the Rest Client implementation through
 * {@code META-INF/services}; where MicroProfile Rest Client is absent nothing loads this class.
 */
public final class EtcdRestClientListener implements RestClientBuilderListener {
    @Override
    public void onNewBuilder(RestClientBuilder builder) {
        builder.register(new ServiceNameFilter(), ServiceNameFilter.PRIORITY);
    }
}
