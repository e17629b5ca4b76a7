package io.etcdmp.internal.client;

import io.etcd.jetcd.ByteSequence;
import io.etcdmp.testing.EtcdCluster;
import io.etcdmp.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 20, item 14: TLS with several endpoints and one certificate per member. {@code ClientFactory} sets
 * the channel's authority to the first endpoint's host; jetcd's address resolver gives every member's
 * address its own authority ({@code host:port}), which gRPC prefers, so each member's certificate is
 * checked against that member's own name. Shown with a member whose certificate names only
 * {@code IP:127.0.0.1}, listed after an endpoint named {@code localhost}: the host name is checked (the
 * same member reached as {@code localhost} is refused), and the client works through it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemberCertificatesTest {
    static TestCertificates certs;

    @BeforeAll
    static void certificateNamingOnlyTheMembersIp() throws Exception {
        certs = TestCertificates.generate();
        Path dir = certs.dir();
        Files.writeString(dir.resolve("member.ext"), "basicConstraints=critical,CA:FALSE\n"
                + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n"
                + "subjectAltName=IP:127.0.0.1\n");
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=etcd-member-by-ip",
                "-keyout", certs.serverKey().toString(), "-out", "member.csr");
        openssl(dir, "x509", "-req", "-in", "member.csr", "-CA", certs.caCert().toString(), "-CAkey", "ca.key",
                "-set_serial", "4242", "-days", "2", "-sha256", "-extfile", "member.ext", "-out", certs.serverCert().toString());
    }

    @AfterAll
    static void deleteCertificates() {
        certs.close();
    }

    @Test
    void eachMembersCertificateIsCheckedAgainstThatMembersOwnNameNotTheFirstEndpoints() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.builder().tls(certs, false).start()) {
            String member = etcd.clientUrls().get(0);
            int port = Integer.parseInt(member.substring(member.lastIndexOf(':') + 1));
            assertThat(member).isEqualTo("https://127.0.0.1:" + port);

            Throwable byName;
            try (EtcdConnection connection = connect("https://localhost:" + port)) {
                byName = catchThrowable(() -> read(connection));
            }
            // the same member, the same CA: only the name differs, so the refusal is the host name check
            // (gRPC keeps retrying the handshake, so the call ends at its deadline)
            assertThat(byName).as("the member reached as localhost: its certificate names only 127.0.0.1").isNotNull();

            try (EtcdConnection connection = connect("https://localhost:" + freePort() + "," + member)) {
                connection.client().getKVClient().put(bytes("/tls/member"), bytes("by-ip")).get(20, TimeUnit.SECONDS);
                assertThat(read(connection)).isEqualTo("by-ip");
            }
        }
    }

    private static EtcdConnection connect(String endpoints) {
        Map<String, String> map = Map.of(EtcdSettings.ENDPOINTS, endpoints, EtcdSettings.TLS_CA_FILE, certs.caCert().toString(),
                EtcdSettings.REQUEST_TIMEOUT, "5s");
        return EtcdConnections.acquire(EtcdSettings.from(name -> Optional.ofNullable(map.get(name))));
    }

    private static String read(EtcdConnection connection) throws Exception {
        List<io.etcd.jetcd.KeyValue> kvs = EtcdCalls.await(connection.client().getKVClient().get(bytes("/tls/member")),
                java.time.Duration.ofSeconds(10)).getKvs();
        return kvs.isEmpty() ? "" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl " + String.join(" ", args) + ": " + out).isZero();
    }
}
