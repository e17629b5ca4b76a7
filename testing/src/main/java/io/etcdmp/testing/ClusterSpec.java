package io.etcdmp.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What an {@link EtcdCluster.Builder} asked for, frozen when {@code start()} is called, so that reusing
 * the builder cannot change a running cluster.
 */
record ClusterSpec(int members, TestCertificates certs, boolean requireClientCert, Duration authTokenTtl,
                   List<String> extraArgs, Duration startTimeout) {
    ClusterSpec {
        extraArgs = List.copyOf(extraArgs);
    }

    boolean isTls() {
        return certs != null;
    }

    /** The URL scheme clients use. */
    String clientScheme() {
        return isTls() ? "https" : "http";
    }

    /** The server flags for TLS, auth tokens and the caller's extra arguments (last, so they override). */
    List<String> serverFlags() {
        List<String> flags = new ArrayList<>();
        if (certs != null) {
            flags.addAll(List.of("--cert-file", certs.serverCert().toString(), "--key-file", certs.serverKey().toString()));
            if (requireClientCert) {
                flags.addAll(List.of("--trusted-ca-file", certs.caCert().toString(), "--client-cert-auth"));
            }
        }
        if (authTokenTtl != null) {
            flags.addAll(List.of("--auth-token-ttl", Long.toString(authTokenTtl.toSeconds())));
        }
        flags.addAll(extraArgs);
        return flags;
    }

    /** An etcdctl for {@code endpoints} with the cluster's TLS settings (CA; client certificate when required). */
    Etcdctl ctl(String endpoints) {
        Etcdctl base = Etcdctl.forEndpoints(endpoints);
        if (certs == null) {
            return base;
        }
        return requireClientCert
                ? base.withTls(certs.caCert(), certs.clientCert(), certs.clientKey())
                : base.withTls(certs.caCert(), null, null);
    }
}
