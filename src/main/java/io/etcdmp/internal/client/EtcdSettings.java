package io.etcdmp.internal.client;

import io.etcdmp.EtcdMicroprofileException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach etcd: endpoints, credentials, TLS files and timeouts. Two equal settings share one
 * connection per process (see {@link EtcdConnections}). The password never appears in
 * {@link #toString()}.
 */
public final class EtcdSettings {
    public static final String ENDPOINTS = "etcd.endpoints";
    public static final String USER = "etcd.user";
    public static final String PASSWORD = "etcd.password";
    public static final String NAMESPACE = "etcd.namespace";
    public static final String TLS_CA_FILE = "etcd.tls.ca-file";
    public static final String TLS_CERT_FILE = "etcd.tls.cert-file";
    public static final String TLS_KEY_FILE = "etcd.tls.key-file";
    public static final String CONNECT_TIMEOUT = "etcd.connect-timeout";
    public static final String REQUEST_TIMEOUT = "etcd.request-timeout";
    public static final String KEEPALIVE_TIME = "etcd.keepalive-time";
    public static final String KEEPALIVE_TIMEOUT = "etcd.keepalive-timeout";

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:2379";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long a connection with calls in flight may be silent before gRPC pings etcd. 10 s is gRPC's
     * minimum (shorter values count as 10 s) and twice etcd's default {@code --grpc-keepalive-min-time}.
     */
    public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofSeconds(10);
    /** How long a ping may go unanswered before the connection counts as dead and calls move to another. */
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

    private final List<URI> endpoints;
    private final String user;
    private final char[] password;
    private final String namespace;
    private final Path caFile;
    private final Path certFile;
    private final Path keyFile;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration keepaliveTime;
    private final Duration keepaliveTimeout;

    private EtcdSettings(Builder b) {
        this.endpoints = List.copyOf(b.endpoints);
        this.user = b.user;
        this.password = b.password == null ? null : b.password.clone();
        this.namespace = b.namespace;
        this.caFile = b.caFile;
        this.certFile = b.certFile;
        this.keyFile = b.keyFile;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.keepaliveTime = b.keepaliveTime;
        this.keepaliveTimeout = b.keepaliveTimeout;
    }

    /** Reads the {@code etcd.*} connection settings; fails with a message naming the bad setting. */
    public static EtcdSettings from(PropertyLookup lookup) {
        SettingValues values = new SettingValues(lookup);
        Builder b = builder();
        List<String> urls = values.list(ENDPOINTS);
        b.endpoints(urls.isEmpty() ? List.of(DEFAULT_ENDPOINT) : urls);
        values.string(USER).ifPresent(b::user);
        values.string(PASSWORD).ifPresent(p -> b.password(p.toCharArray()));
        values.string(NAMESPACE).ifPresent(b::namespace);
        values.string(TLS_CA_FILE).ifPresent(f -> b.caFile(Path.of(f)));
        values.string(TLS_CERT_FILE).ifPresent(f -> b.certFile(Path.of(f)));
        values.string(TLS_KEY_FILE).ifPresent(f -> b.keyFile(Path.of(f)));
        b.connectTimeout(values.duration(CONNECT_TIMEOUT, DEFAULT_TIMEOUT));
        b.requestTimeout(values.duration(REQUEST_TIMEOUT, DEFAULT_TIMEOUT));
        b.keepaliveTime(values.duration(KEEPALIVE_TIME, DEFAULT_KEEPALIVE_TIME));
        b.keepaliveTimeout(values.duration(KEEPALIVE_TIMEOUT, DEFAULT_KEEPALIVE_TIMEOUT));
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<URI> endpoints() {
        return endpoints;
    }

    /** The endpoints as the user wrote them, comma-separated, for messages. */
    public String endpointList() {
        return String.join(",", endpoints.stream().map(URI::toString).toList());
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** A copy of the password, for the client builder only. */
    Optional<char[]> password() {
        return Optional.ofNullable(password).map(char[]::clone);
    }

    public Optional<String> namespace() {
        return Optional.ofNullable(namespace);
    }

    public Optional<Path> caFile() {
        return Optional.ofNullable(caFile);
    }

    public Optional<Path> certFile() {
        return Optional.ofNullable(certFile);
    }

    public Optional<Path> keyFile() {
        return Optional.ofNullable(keyFile);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration keepaliveTime() {
        return keepaliveTime;
    }

    public Duration keepaliveTimeout() {
        return keepaliveTimeout;
    }

    /** True when any endpoint is {@code https} or a TLS file is set. */
    public boolean tls() {
        return caFile != null || certFile != null
                || endpoints.stream().anyMatch(u -> "https".equalsIgnoreCase(u.getScheme()));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EtcdSettings)) {
            return false;
        }
        EtcdSettings s = (EtcdSettings) o;
        return endpoints.equals(s.endpoints) && Objects.equals(user, s.user) && Arrays.equals(password, s.password)
                && Objects.equals(namespace, s.namespace) && Objects.equals(caFile, s.caFile)
                && Objects.equals(certFile, s.certFile) && Objects.equals(keyFile, s.keyFile)
                && connectTimeout.equals(s.connectTimeout) && requestTimeout.equals(s.requestTimeout)
                && keepaliveTime.equals(s.keepaliveTime) && keepaliveTimeout.equals(s.keepaliveTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(endpoints, user, Arrays.hashCode(password), namespace, caFile, certFile, keyFile,
                connectTimeout, requestTimeout, keepaliveTime, keepaliveTimeout);
    }

    @Override
    public String toString() {
        return "EtcdSettings[endpoints=" + endpointList()
                + (user == null ? "" : ", user=" + user + ", password=***")
                + (namespace == null ? "" : ", namespace=" + namespace)
                + (tls() ? ", tls" : "")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", keepaliveTime=" + keepaliveTime + ", keepaliveTimeout=" + keepaliveTimeout + "]";
    }

    /** Every setting that can come from config can also be set here. */
    public static final class Builder {
        private List<URI> endpoints = List.of(URI.create(DEFAULT_ENDPOINT));
        private String user;
        private char[] password;
        private String namespace;
        private Path caFile;
        private Path certFile;
        private Path keyFile;
        private Duration connectTimeout = DEFAULT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_TIMEOUT;
        private Duration keepaliveTime = DEFAULT_KEEPALIVE_TIME;
        private Duration keepaliveTimeout = DEFAULT_KEEPALIVE_TIMEOUT;

        private Builder() {
        }

        public Builder endpoints(List<String> urls) {
            if (urls.isEmpty()) {
                throw new EtcdMicroprofileException("Setting " + ENDPOINTS + " is empty: give at least one URL such as "
                        + DEFAULT_ENDPOINT);
            }
            List<URI> parsed = new ArrayList<>();
            // a password holding a comma is split over two entries: then no entry is shown beyond its scheme
            boolean credentials = urls.size() > 1 && urls.stream().anyMatch(u -> u.indexOf('@') >= 0);
            for (String url : urls) {
                parsed.add(parseEndpoint(url, credentials));
            }
            this.endpoints = parsed;
            return this;
        }

        public Builder endpoints(String... urls) {
            return endpoints(Arrays.asList(urls));
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(char[] password) {
            this.password = password == null ? null : password.clone();
            return this;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder caFile(Path file) {
            this.caFile = file;
            return this;
        }

        public Builder certFile(Path file) {
            this.certFile = file;
            return this;
        }

        public Builder keyFile(Path file) {
            this.keyFile = file;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, CONNECT_TIMEOUT);
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, REQUEST_TIMEOUT);
            return this;
        }

        public Builder keepaliveTime(Duration time) {
            this.keepaliveTime = Objects.requireNonNull(time, KEEPALIVE_TIME);
            return this;
        }

        public Builder keepaliveTimeout(Duration timeout) {
            this.keepaliveTimeout = Objects.requireNonNull(timeout, KEEPALIVE_TIMEOUT);
            return this;
        }

        public EtcdSettings build() {
            if ((user == null) != (password == null)) {
                throw new EtcdMicroprofileException("Settings " + USER + " and " + PASSWORD
                        + " go together: set both or neither");
            }
            if ((certFile == null) != (keyFile == null)) {
                throw new EtcdMicroprofileException("Settings " + TLS_CERT_FILE + " and " + TLS_KEY_FILE
                        + " go together (client certificate and its private key): set both or neither");
            }
            requireReadable(TLS_CA_FILE, caFile);
            requireReadable(TLS_CERT_FILE, certFile);
            requireReadable(TLS_KEY_FILE, keyFile);
            return new EtcdSettings(this);
        }

        private static void requireReadable(String key, Path file) {
            if (file != null && !Files.isReadable(file)) {
                throw new EtcdMicroprofileException("Setting " + key + " names " + file + ", which does not exist or cannot be read");
            }
        }

        /**
         * An endpoint URL; {@code host:port} without a scheme ({@code 127.0.0.1:2379}, {@code [::1]:2379}) is read as
         * {@code http://host:port}, as etcdctl reads it. Messages echo what the user wrote, never the added scheme.
         */
        private static URI parseEndpoint(String url, boolean credentials) {
            URI uri;
            String trimmed = url.trim();
            try {
                uri = new URI(trimmed.contains("://") ? trimmed : "http://" + trimmed);
            } catch (URISyntaxException e) {
                throw badEndpoint(url, credentials, e.getReason());
            }
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw badEndpoint(url, credentials, "the scheme must be http or https");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw badEndpoint(url, credentials, "host and port are required, as in " + DEFAULT_ENDPOINT);
            }
            if (uri.getUserInfo() != null || url.indexOf('@') >= 0) {
                throw badEndpoint(url, credentials, "credentials in the URL are not supported: use " + USER + " and " + PASSWORD);
            }
            return uri;
        }

        /** Every message echoes the endpoint without what could be user info: it may hold a password. */
        private static EtcdMicroprofileException badEndpoint(String url, boolean credentials, String reason) {
            String shown = !credentials ? withoutUserInfo(url)
                    : url.substring(0, schemePrefix(url)) + "*** (shown in part: the list holds credentials)";
            return new EtcdMicroprofileException("Invalid etcd endpoint '" + shown + "' in setting " + ENDPOINTS + ": " + reason);
        }
    }

    /**
     * {@code url} with everything between its scheme's {@code ://} (or its start, when no scheme comes before the {@code @})
     * and its last {@code @} replaced by {@code ***}: works on text that does not parse as a URI, and on a password
     * holding {@code /}, {@code @} or {@code ://} ({@code root:pw://x@host:2379}, written without a scheme: what comes
     * before that {@code ://} is no scheme, so all of it is hidden); may hide more than the user info, never less.
     */
    public static String withoutUserInfo(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        return url.substring(0, schemePrefix(url)) + "***" + url.substring(at); // a scheme holds no '@': it ends before
    }

    /**
     * The length of {@code url}'s leading {@code scheme://} when what comes before its first {@code ://} is a URI scheme
     * (RFC 3986: a letter, then letters, digits, {@code +-.}), else 0.
     */
    private static int schemePrefix(String url) {
        int end = url.indexOf("://");
        for (int i = 0; i < end; i++) {
            char c = url.charAt(i);
            boolean letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
            if (!letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
                return 0;
            }
        }
        return end > 0 ? end + 3 : 0;
    }
}
