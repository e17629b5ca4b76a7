package io.etcdmp.it.app;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Another service, called by name: the tests set {@code peer/mp-rest/uri=http://<service>.etcd}. */
@RegisterRestClient(configKey = "peer")
@Path("/")
public interface PeerClient {
    @GET
    @Path("{path}")
    @Produces(MediaType.TEXT_PLAIN)
    String get(@PathParam("path") String path);
}
