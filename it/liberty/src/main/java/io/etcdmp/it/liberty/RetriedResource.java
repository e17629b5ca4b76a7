package io.etcdmp.it.liberty;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * {@code GET /api/retried}: a method under MicroProfile Fault Tolerance, as an application using
 * {@code mpFaultTolerance} has; Liberty builds a second {@code Config} of the application for it.
 */
@Path("retried")
@RequestScoped
public class RetriedResource {
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @Retry(maxRetries = 1)
    @Timeout(5000)
    public String retried() {
        return "retried";
    }
}
