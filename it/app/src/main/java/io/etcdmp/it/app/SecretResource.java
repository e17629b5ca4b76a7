package io.etcdmp.it.app;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.json.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code GET /api/secret}: what the application reads of {@value #PROPERTY}, which the tests keep in etcd encrypted
 * ({@code ${aes-gcm-nopadding::...}}): the SHA-256 (hex) of the injected value's UTF-8 bytes, never the value, so
 * that no clear text goes over HTTP or into a log; and the name of the source the runtime's Config found it in.
 * JSON: {@code {"sha256": "...", "source": "..."}}. {@code GET /api/secret/<name>}: the same for another property
 * whose name starts with {@code it.secret.}, read through the runtime's {@link Config}.
 */
@Path("secret")
@RequestScoped
public class SecretResource {
    static final String PROPERTY = "it.secret";

    @Inject
    @ConfigProperty(name = PROPERTY)
    Provider<String> secret;

    @Inject
    Config config;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String secret() {
        String source = String.valueOf(config.getConfigValue(PROPERTY).getSourceName());
        return Json.createObjectBuilder().add("sha256", sha256(secret.get())).add("source", source).build().toString();
    }

    @GET
    @Path("{name}")
    @Produces(MediaType.APPLICATION_JSON)
    public String other(@PathParam("name") String name) {
        if (!name.startsWith(PROPERTY + ".")) {
            throw new jakarta.ws.rs.NotFoundException("only properties under " + PROPERTY + ".");
        }
        String source = String.valueOf(config.getConfigValue(name).getSourceName());
        return Json.createObjectBuilder().add("sha256", sha256(config.getValue(name, String.class))).add("source", source)
                .build().toString();
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
