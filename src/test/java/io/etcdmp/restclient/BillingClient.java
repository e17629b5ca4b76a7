package io.etcdmp.restclient;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The test's Rest Client interface; its base URI comes from {@code billing/mp-rest/uri}. */
@RegisterRestClient(configKey = "billing")
@Path("/invoices")
public interface BillingClient {
    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_PLAIN)
    String invoice(@PathParam("id") String id, @QueryParam("currency") String currency);
}
