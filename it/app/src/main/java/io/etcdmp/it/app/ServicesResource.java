package io.etcdmp.it.app;

import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.stream.Collectors;

/** {@code GET /api/services/<name>}: the instances the injected {@link ServiceRegistry} knows, one {@code id host:port} a line. */
@Path("services/{name}")
@RequestScoped
public class ServicesResource {
    @Inject
    ServiceRegistry registry;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String instances(@PathParam("name") String name) {
        return registry.instances(name).stream()
                .map(i -> i.instanceId() + " " + i.address())
                .collect(Collectors.joining("\n"));
    }
}
