package io.etcdmp.it.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application under {@code /api}. {@code @ApplicationScoped}: Helidon MP only finds it as a bean. */
@ApplicationScoped
@ApplicationPath("/api")
public class ItApplication extends Application {
}
