package io.etcdmp.it.app;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * {@code GET /api/peer}: calls {@code /hello} on the service named by {@code peer/mp-rest/uri}
 * through the MicroProfile Rest Client and answers what it answered; 503 with the exception (class and
 * message) when the call failed before any answer.
 */
@Path("peer")
@RequestScoped
public class PeerResource {
    /** Resolved at the call: a runtime without MicroProfile Rest Client still deploys the application. */
    @Inject
    @RestClient
    Instance<PeerClient> peer;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Response call() {
        try {
            return Response.ok(peer.get().hello()).build();
        } catch (ProcessingException e) {
            return Response.status(503).entity(e.getClass().getName() + ": " + e.getMessage()).build();
        }
    }
}
