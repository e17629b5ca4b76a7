package io.etcdmp.internal.client;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcdmp.EtcdMicroprofileException;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Builds a jetcd {@link Client} from {@link EtcdSettings}. */
final class ClientFactory {
    /** etcd answers a range with up to this many bytes; jetcd's default inbound limit is 4 MiB. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

    private ClientFactory() {
    }

    /** A client whose Vert.x instance and executor are {@code threads}'. */
    static Client create(EtcdSettings settings, ClientThreads threads) {
        ClientBuilder builder = Client.builder()
                .endpoints(settings.endpoints().toArray(URI[]::new))
                .useVertx()
                .connectTimeout(settings.connectTimeout())
                // a hung connection (member frozen, packets dropped) is noticed by pings, not by errors:
                // ping only while calls are in flight, which etcd permits (it refuses pings on idle ones)
                .keepaliveTime(settings.keepaliveTime())
                .keepaliveTimeout(settings.keepaliveTimeout())
                .keepaliveWithoutCalls(false)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        builder.vertx(threads.vertx()).executorService(threads.executor());
        settings.user().ifPresent(u -> builder.user(bytes(u)));
        settings.password().ifPresent(p -> builder.password(ByteSequence.from(new String(p).getBytes(StandardCharsets.UTF_8))));
        settings.namespace().ifPresent(ns -> builder.namespace(bytes(ns)));
        if (settings.tls()) {
            // no authority override: jetcd gives each member's address its own (host:port), so every member's
            // certificate is checked against the name it is reached by (one override for all checked them all
            // against the first endpoint's host: MemberCertificatesTest)
            builder.sslContext(sslContext(settings));
        }
        return builder.build();
    }

    private static SslContext sslContext(EtcdSettings settings) {
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        settings.caFile().ifPresent(ca -> apply(EtcdSettings.TLS_CA_FILE, ca, f -> ssl.trustManager(f.toFile())));
        settings.certFile().ifPresent(cert -> apply(EtcdSettings.TLS_CERT_FILE + "/" + EtcdSettings.TLS_KEY_FILE, cert,
                f -> ssl.keyManager(f.toFile(), settings.keyFile().orElseThrow().toFile())));
        try {
            return ssl.build();
        } catch (Exception e) {
            throw new EtcdMicroprofileException("Cannot set up TLS for etcd from settings " + EtcdSettings.TLS_CA_FILE + ", "
                    + EtcdSettings.TLS_CERT_FILE + ", " + EtcdSettings.TLS_KEY_FILE + ": " + e.getMessage(), e);
        }
    }

    private static void apply(String setting, Path file, Consumer<Path> use) {
        try {
            use.accept(file);
        } catch (RuntimeException e) {
            throw new EtcdMicroprofileException("Setting " + setting + " (" + file + ") does not hold a usable PEM file: "
                    + e.getMessage(), e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
