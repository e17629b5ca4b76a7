package io.etcdmp.bench;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The Rest Client interface of the called service in {@link RestClientApp}. */
@Path("/")
public interface CalleeClient {
    @GET
    @Path("ping")
    @Produces(MediaType.TEXT_PLAIN)
    String ping();
}
