package io.etcdmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * A throw-away PKI made with {@code /usr/bin/openssl} (override: system property
 * {@code openssl.test.binary}) in a temp dir:
 * <ul>
 *   <li>a CA (RSA 2048, self-signed), {@link #caCert()};</li>
 *   <li>a server certificate signed by it, SAN {@code IP:127.0.0.1, DNS:localhost}, for etcd;</li>
 *   <li>a client certificate signed by it, {@code CN=etcd-client}, for mutual TLS;</li>
 *   <li>a second, unrelated CA, {@link #otherCaCert()}, for "untrusted" tests.</li>
 * </ul>
 * Private keys are unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}), which Netty
 * reads without BouncyCastle. Certificates are valid for 10 days. {@link #close()} deletes the dir.
 */
public final class TestCertificates implements AutoCloseable {

    /** The subject common name of the client certificate. */
    public static final String CLIENT_CN = "etcd-client";

    private static final Duration OPENSSL_BOUND = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String openssl;

    private TestCertificates(Path dir, String openssl) {
        this.dir = dir;
        this.openssl = openssl;
    }

    /**
     * Generates the CA, server, client and other-CA material into a new temp dir.
     *
     * @throws IllegalStateException if openssl is missing, fails, or takes over 30 s for a step
     */
    public static TestCertificates generate() {
        String openssl = System.getProperty("openssl.test.binary", "/usr/bin/openssl");
        if (!Binaries.usable(Path.of(openssl))) {
            throw new IllegalStateException("openssl not found at " + openssl
                    + ": install it (apt-get install openssl) or set -Dopenssl.test.binary=/path/to/openssl");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("etcdmp-certs-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for certificates", e);
        }
        ProcessReaper.watchDir(dir);
        TestCertificates certs = new TestCertificates(dir, openssl);
        try {
            certs.generateAll();
            return certs;
        } catch (RuntimeException e) {
            certs.close();
            throw e;
        }
    }

    private void generateAll() {
        selfSignedCa("ca", "etcdmp-test-ca");
        selfSignedCa("other-ca", "etcdmp-untrusted-ca");
        signed("server", "localhost",
                "basicConstraints=critical,CA:FALSE\n"
                        + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=serverAuth,clientAuth\n"
                        + "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        signed("client", CLIENT_CN,
                "basicConstraints=critical,CA:FALSE\n"
                        + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=clientAuth\n");
    }

    private void selfSignedCa(String name, String cn) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "10",
                "-subj", "/CN=" + cn,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout", file(name + ".key"), "-out", file(name + ".crt"));
    }

    private void signed(String name, String cn, String extensions) {
        Path ext = dir.resolve(name + ".ext");
        try {
            Files.writeString(ext, extensions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", "/CN=" + cn,
                "-keyout", file(name + ".key"), "-out", file(name + ".csr"));
        openssl("x509", "-req", "-in", file(name + ".csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
                "-set_serial", new BigInteger(63, RANDOM).toString(), "-days", "10", "-sha256",
                "-extfile", ext.toString(), "-out", file(name + ".crt"));
    }

    private void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(openssl);
        command.addAll(List.of(args));
        ProcessRunner.Result result = ProcessRunner.run(command, env -> env.put("RANDFILE", dir.resolve(".rnd").toString()),
                OPENSSL_BOUND);
        if (!result.ok()) {
            throw new IllegalStateException("openssl failed while generating test certificates: " + result.describe());
        }
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    /** The directory holding all files. */
    public Path dir() {
        return dir;
    }

    /** The CA certificate (PEM) that signed the server and client certificates. */
    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    /** The server certificate (PEM), SAN IP:127.0.0.1 and DNS:localhost. */
    public Path serverCert() {
        return dir.resolve("server.crt");
    }

    /** The server's private key, PKCS#8 PEM, unencrypted. */
    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** The client certificate (PEM), CN {@value #CLIENT_CN}. */
    public Path clientCert() {
        return dir.resolve("client.crt");
    }

    /** The client's private key, PKCS#8 PEM, unencrypted. */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** A self-signed CA certificate unrelated to {@link #caCert()}: trusting only it must fail. */
    public Path otherCaCert() {
        return dir.resolve("other-ca.crt");
    }

    /** The private key of {@link #otherCaCert()} (PKCS#8 PEM). */
    public Path otherCaKey() {
        return dir.resolve("other-ca.key");
    }

    /** Deletes the directory and every file in it. */
    @Override
    public void close() {
        FileTrees.deleteRecursively(dir);
        ProcessReaper.forgetDir(dir);
    }
}
