package io.etcdmp.it.quarkus;

import io.smallrye.stork.Stork;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;

/**
 * {@code GET /api/stork/billing}: calls {@code /hello} of service {@code billing} through Stork's {@code etcd}
 * discovery and answers what it answered (503 with the exception when the call failed before any answer).
 * {@code POST /api/stork/registration?port=N} registers {@code 127.0.0.1:N} as an instance of {@code stork-registered}
 * through Stork's {@code etcd} registrar (a custom registrar is registered by code in Quarkus); {@code DELETE}
 * deregisters it.
 */
@Path("stork")
@ApplicationScoped
public class StorkResource {
    private static final String REGISTERED = "stork-registered";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    @RestClient
    StorkBillingClient billing;

    @GET
    @Path("billing")
    @Produces(MediaType.TEXT_PLAIN)
    public Response billing() {
        try {
            return Response.ok(billing.hello()).build();
        } catch (ProcessingException e) {
            return Response.status(503).entity(e.getClass().getName() + ": " + e.getMessage()).build();
        }
    }

    @POST
    @Path("registration")
    @Produces(MediaType.TEXT_PLAIN)
    public String register(@QueryParam("port") int port) {
        Stork.getInstance().getService(REGISTERED).registerInstance(REGISTERED, "127.0.0.1", port).await().atMost(WAIT);
        return "registered";
    }

    @DELETE
    @Path("registration")
    @Produces(MediaType.TEXT_PLAIN)
    public String deregister() {
        Stork.getInstance().getService(REGISTERED).deregisterServiceInstance(REGISTERED).await().atMost(WAIT);
        return "deregistered";
    }
}
