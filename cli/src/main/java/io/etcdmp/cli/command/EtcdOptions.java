package io.etcdmp.cli.command;

import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.cli.core.FileErrors;
import io.etcdmp.internal.cli.ToolConnection;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The connection options: the library's settings under the same names and defaults, each also read, when the
 * option is not given, from the library's system property or environment variable ({@code etcd.endpoints} /
 * {@code ETCD_ENDPOINTS}, {@code etcd.user} / {@code ETCD_USER}, {@code ETCD_PASSWORD}, {@code ETCD_TLS_CA_FILE},
 * ...). A password is never an option: {@code --password-file}, or the library's {@code etcd.password}.
 */
public final class EtcdOptions {
    @Option(names = "--endpoints", paramLabel = "URLS",
            description = "etcd client URLs, comma-separated; host:port means http://host:port (etcd.endpoints, ETCD_ENDPOINTS; "
                    + "default http://127.0.0.1:2379)")
    String endpoints;

    @Option(names = "--user", description = "etcd user (etcd.user, ETCD_USER); needs a password")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "file holding the etcd user's password (its first line), readable by its owner only (chmod 600); "
                    + "or etcd.password / ETCD_PASSWORD")
    Path passwordFile;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "CA of the server certificates (etcd.tls.ca-file, ETCD_TLS_CA_FILE)")
    Path caFile;

    @Option(names = "--cert-file", paramLabel = "PEM", description = "client certificate, mutual TLS (etcd.tls.cert-file)")
    Path certFile;

    @Option(names = "--key-file", paramLabel = "PEM", description = "PKCS#8 key of the client certificate (etcd.tls.key-file)")
    Path keyFile;

    @Option(names = "--namespace", description = "jetcd namespace prefixed to every key (etcd.namespace)")
    String namespace;

    @Option(names = "--request-timeout", paramLabel = "DURATION",
            description = "bound of every request, e.g. 5s, 500ms (etcd.request-timeout; default 5s)")
    String requestTimeout;

    /** The options given, as the library's settings. */
    public Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        put(s, ToolConnection.ENDPOINTS, endpoints);
        put(s, ToolConnection.USER, user);
        put(s, ToolConnection.NAMESPACE, namespace);
        put(s, ToolConnection.REQUEST_TIMEOUT, requestTimeout);
        put(s, ToolConnection.CA_FILE, caFile == null ? null : caFile.toString());
        put(s, ToolConnection.CERT_FILE, certFile == null ? null : certFile.toString());
        put(s, ToolConnection.KEY_FILE, keyFile == null ? null : keyFile.toString());
        if (passwordFile != null) {
            try {
                ownerOnly(passwordFile);
                String text = Files.readString(passwordFile, StandardCharsets.UTF_8);
                if (text.startsWith("\uFEFF")) { // the byte order mark some editors write first: no part of the password
                    text = text.substring(1);
                }
                int end = text.indexOf('\n');
                String password = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
                if (password.isEmpty()) {
                    throw new EtcdMicroprofileException("--password-file " + passwordFile + " is empty: its first line is the password");
                }
                s.put(ToolConnection.PASSWORD, password);
            } catch (IOException e) {
                throw new EtcdMicroprofileException("--password-file " + passwordFile + " cannot be read: " + FileErrors.reason(e), e);
            }
        }
        return s;
    }

    /** As the encryption key file (etcd.config.encryption-key-file): refused when anyone but its owner may use it. */
    private static void ownerOnly(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null && posix.readAttributes().permissions().stream().anyMatch(NOT_OWNER::contains)) {
            throw new EtcdMicroprofileException("--password-file " + file + " may be read by others than its owner: chmod 600 " + file);
        }
    }

    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private static void put(Map<String, String> s, String name, String value) {
        if (value != null) {
            s.put(name, value);
        }
    }

    public ToolConnection open() {
        return ToolConnection.open(settings());
    }
}
