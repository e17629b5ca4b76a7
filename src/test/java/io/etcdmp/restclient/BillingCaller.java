package io.etcdmp.restclient;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** An application bean calling billing through the injected Rest Client. */
@ApplicationScoped
public class BillingCaller {
    @Inject
    @RestClient
    BillingClient billing;

    public String invoice(String id) {
        return billing.invoice(id, "EUR");
    }
}
