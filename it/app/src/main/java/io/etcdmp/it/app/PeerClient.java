package io.etcdmp.it.app;

import io.etcdmp.restclient.ServiceNameFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * Another service, called by name: the tests set {@code peer/mp-rest/uri=http://<service>.etcd}. No path
 * parameter: Open Liberty's Rest Client refused {@code @Path("{path}")} with {@code @PathParam("path")}
 * ("Parameters and variables don't match") where RESTEasy's own accepted it. A refused connection ejects the
 * instance that refused it.
 */
@RegisterRestClient(configKey = "peer")
@ServiceNameFilter.EjectOnConnectFailure
public interface PeerClient {
    @GET
    @Path("hello")
    @Produces(MediaType.TEXT_PLAIN)
    String hello();
}
