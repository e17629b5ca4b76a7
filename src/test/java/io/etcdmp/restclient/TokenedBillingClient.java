package io.etcdmp.restclient;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Review: an ejecting client whose own request filter fetches a token from another service by name. */
@RegisterRestClient(configKey = "tokened")
@RegisterProvider(value = AuthTokenFilter.class, priority = 1000)
@ServiceNameFilter.EjectOnConnectFailure
@Path("/invoices")
public interface TokenedBillingClient {
    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_PLAIN)
    String invoice(@PathParam("id") String id);
}
