package io.etcdmp.it.app;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** {@code GET /api/greeting}: the {@code it.greeting} property, which the tests keep in etcd. */
@Path("greeting")
@RequestScoped
public class GreetingResource {
    @Inject
    @ConfigProperty(name = "it.greeting")
    Provider<String> greeting;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String greeting() {
        return greeting.get();
    }
}
