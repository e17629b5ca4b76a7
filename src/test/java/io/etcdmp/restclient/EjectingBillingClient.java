package io.etcdmp.restclient;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** {@link BillingClient} with ejection: its base URI comes from {@code ejecting/mp-rest/uri}. */
@RegisterRestClient(configKey = "ejecting")
@ServiceNameFilter.EjectOnConnectFailure
@Path("/invoices")
public interface EjectingBillingClient {
    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_PLAIN)
    String invoice(@PathParam("id") String id);
}
