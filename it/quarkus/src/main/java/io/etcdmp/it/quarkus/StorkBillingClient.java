package io.etcdmp.it.quarkus;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The service {@code billing} called through SmallRye Stork: {@code quarkus.rest-client.stork-billing.url=stork://billing}
 * and {@code quarkus.stork.billing.service-discovery.type=etcd} (application.properties).
 */
@RegisterRestClient(configKey = "stork-billing")
public interface StorkBillingClient {
    @GET
    @Path("hello")
    @Produces(MediaType.TEXT_PLAIN)
    String hello();
}
