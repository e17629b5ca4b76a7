package io.etcdmp.restclient;

import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;

/** Review: gets a token from the service "auth" by name (a plain JAX-RS client) and puts it on the request. */
public class AuthTokenFilter implements ClientRequestFilter {
    @Override
    public void filter(ClientRequestContext request) {
        ServiceRegistry registry = CDI.current().select(ServiceRegistry.class).get();
        Client client = ClientBuilder.newClient().register(new ServiceNameFilter(registry));
        try {
            String token = client.target("http://auth.etcd/token").request().get(String.class);
            request.getHeaders().add("Authorization", "Bearer " + token.replace(' ', '_'));
        } finally {
            client.close();
        }
    }
}
