package io.etcdmp.testing;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs {@code etcdctl} (API v3) against a fixed set of endpoints, out of band of the code under
 * test: to seed data, inspect it, or administer the server (auth, compaction, leases).
 *
 * <p>Instances are immutable; {@link #withUser}, {@link #withTls} and {@link #withCommandTimeout}
 * return new ones. Every call is bounded ({@value #PROCESS_BOUND_SECONDS} s for the process, plus
 * etcdctl's own {@code --command-timeout}). Keys and values are handled as UTF-8 text.
 *
 * <p>The binary is the one named by system property {@code etcdctl.test.binary} or
 * {@code etcdctl.binary} or env {@code ETCDCTL_BINARY}, else an {@code etcdctl} next to the etcd
 * server binary, else {@code /usr/bin/etcdctl}, else {@code etcdctl} on the PATH.
 */
public final class Etcdctl {

    static final long PROCESS_BOUND_SECONDS = 30;
    private static final Duration PROCESS_BOUND = Duration.ofSeconds(PROCESS_BOUND_SECONDS);
    private static final Set<String> PERMISSION_TYPES = Set.of("read", "write", "readwrite");

    /** Runs one etcdctl invocation (arguments without the binary) and returns what it produced. */
    @FunctionalInterface
    interface Invoker {
        ProcessRunner.Result invoke(List<String> args, Duration timeout);
    }

    private final Invoker invoker;
    private final String endpoints;
    private final Path caCert;
    private final Path clientCert;
    private final Path clientKey;
    private final String user;
    private final String password;
    private final Duration commandTimeout;

    private Etcdctl(Invoker invoker, String endpoints, Path caCert, Path clientCert, Path clientKey,
                    String user, String password, Duration commandTimeout) {
        this.invoker = invoker;
        this.endpoints = endpoints;
        this.caCert = caCert;
        this.clientCert = clientCert;
        this.clientKey = clientKey;
        this.user = user;
        this.password = password;
        this.commandTimeout = commandTimeout;
    }

    /**
     * An etcdctl bound to {@code endpoints} (comma-separated URLs such as
     * {@code http://127.0.0.1:2379}), plain, without user, command timeout 5 s.
     */
    public static Etcdctl forEndpoints(String endpoints) {
        return new Etcdctl(localInvoker(Binaries.etcdctl()), requireText(endpoints, "endpoints"),
                null, null, null, null, null, Duration.ofSeconds(5));
    }

    static Etcdctl withInvoker(Invoker invoker, String endpoints) {
        return new Etcdctl(invoker, endpoints, null, null, null, null, null, Duration.ofSeconds(5));
    }

    /** The same etcdctl, authenticating as {@code user} with {@code password} on every call. */
    public Etcdctl withUser(String user, String password) {
        return new Etcdctl(invoker, endpoints, caCert, clientCert, clientKey,
                requireText(user, "user"), Objects.requireNonNull(password, "password"), commandTimeout);
    }

    /**
     * The same etcdctl over TLS: trusts {@code caCert}; presents {@code clientCert}/{@code clientKey}
     * when both are non-null (mutual TLS).
     */
    public Etcdctl withTls(Path caCert, Path clientCert, Path clientKey) {
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("give both clientCert and clientKey, or neither");
        }
        return new Etcdctl(invoker, endpoints, Objects.requireNonNull(caCert, "caCert"), clientCert, clientKey,
                user, password, commandTimeout);
    }

    /** The same etcdctl with another {@code --command-timeout} (etcdctl's per-request deadline). */
    public Etcdctl withCommandTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(PROCESS_BOUND) >= 0) {
            throw new IllegalArgumentException("command timeout must be in (0, " + PROCESS_BOUND + "): " + timeout);
        }
        return new Etcdctl(invoker, endpoints, caCert, clientCert, clientKey, user, password, timeout);
    }

    /** The comma-separated endpoints this etcdctl talks to. */
    public String endpoints() {
        return endpoints;
    }

    /**
     * Runs {@code etcdctl <global flags> <args>} and returns its standard output.
     *
     * @throws IllegalStateException on a non-zero exit (message has exit code, stderr and stdout) or
     *                               when the process does not finish within 30 s
     */
    public String run(String... args) {
        ProcessRunner.Result result = runRaw(endpoints, commandTimeout, args);
        if (!result.ok()) {
            throw new IllegalStateException("etcdctl failed: " + result.describe());
        }
        return result.stdout();
    }

    /** Runs etcdctl against other endpoints/timeout and returns the raw result, whatever the exit code. */
    ProcessRunner.Result runRaw(String endpointList, Duration timeout, String... args) {
        List<String> all = new ArrayList<>();
        all.add("--endpoints=" + endpointList);
        all.add("--command-timeout=" + timeout.toMillis() + "ms");
        all.add("--dial-timeout=" + Math.min(2000, timeout.toMillis()) + "ms");
        if (caCert != null) {
            all.add("--cacert=" + caCert);
        }
        if (clientCert != null) {
            all.add("--cert=" + clientCert);
            all.add("--key=" + clientKey);
        }
        if (user != null) {
            all.add("--user=" + user);
            all.add("--password=" + password);
        }
        all.addAll(List.of(args));
        return invoker.invoke(all, PROCESS_BOUND);
    }

    /** {@code etcdctl put key value}. */
    public void put(String key, String value) {
        run("put", "--", key, value);
    }

    /** The value at {@code key}, or empty when the key does not exist (read linearizably). */
    public Optional<String> get(String key) {
        JsonObject response = EtcdctlJson.parseObject(run("get", "-w", "json", "--", key));
        JsonArray kvs = response.getJsonArray("kvs");
        if (kvs == null || kvs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(EtcdctlJson.decode(kvs.getJsonObject(0), "value"));
    }

    /** Every key starting with {@code prefix} and its value, in key order. */
    public Map<String, String> getPrefix(String prefix) {
        JsonObject response = EtcdctlJson.parseObject(run("get", "--prefix", "-w", "json", "--", prefix));
        Map<String, String> result = new LinkedHashMap<>();
        JsonArray kvs = response.getJsonArray("kvs");
        if (kvs != null) {
            for (JsonValue kv : kvs) {
                result.put(EtcdctlJson.decode(kv.asJsonObject(), "key"), EtcdctlJson.decode(kv.asJsonObject(), "value"));
            }
        }
        return result;
    }

    /** Deletes {@code key}; returns how many keys were deleted (0 or 1). */
    public long del(String key) {
        return Long.parseLong(run("del", "--", key).strip());
    }

    /** Deletes every key starting with {@code prefix}; returns how many were deleted. */
    public long delPrefix(String prefix) {
        return Long.parseLong(run("del", "--prefix", "--", prefix).strip());
    }

    /** Deletes every key ({@code etcdctl del --from-key ""}); returns how many were deleted. */
    public long delAll() {
        return Long.parseLong(run("del", "--from-key=true", "--", "").strip());
    }

    /**
     * The cluster's current revision: the header revision of a keys-only read of key "/" (3.4 etcdctl has no --count-only); if
     * auth refuses that read, the highest header revision from {@code endpoint status} over the
     * endpoints that answer (slower when an endpoint is down: it waits out the command timeout).
     */
    public long revision() {
        ProcessRunner.Result read = runRaw(endpoints, commandTimeout, "get", "/", "--keys-only", "-w", "json");
        if (read.ok()) {
            return headerRevision(EtcdctlJson.parseObject(read.stdout()).getJsonObject("header"));
        }
        ProcessRunner.Result result = runRaw(endpoints, commandTimeout, "endpoint", "status", "-w", "json");
        long max = -1;
        for (JsonObject status : EtcdctlJson.statusEntries(result)) {
            max = Math.max(max, headerRevision(status.getJsonObject("Status").getJsonObject("header")));
        }
        if (max < 0) {
            throw new IllegalStateException("no endpoint reported a revision: " + read.describe() + "\n" + result.describe());
        }
        return max;
    }

    private static long headerRevision(JsonObject header) {
        return header != null && header.containsKey("revision") ? header.getJsonNumber("revision").longValue() : 0;
    }

    /** {@code etcdctl compact <revision> --physical}: compacts and waits until it is applied to the backend. */
    public void compact(long revision) {
        run("compact", Long.toString(revision), "--physical");
    }

    /** {@code etcdctl defrag} on every endpoint (needs root when auth is on). */
    public void defrag() {
        run("defrag");
    }

    /**
     * Creates user {@code root} with {@code rootPassword} and enables authentication (etcdctl
     * creates and grants the {@code root} role itself).
     *
     * @return an etcdctl authenticating as root
     */
    public Etcdctl enableAuth(String rootPassword) {
        addUser("root", rootPassword);
        run("auth", "enable");
        return withUser("root", rootPassword);
    }

    /** {@code etcdctl user add <user>} with the given password. */
    public void addUser(String user, String password) {
        run("user", "add", requireText(user, "user"), "--new-user-password=" + password, "--interactive=false");
    }

    /** {@code etcdctl role add <role>}. */
    public void addRole(String role) {
        run("role", "add", requireText(role, "role"));
    }

    /** {@code etcdctl user grant-role <user> <role>}. */
    public void grantRole(String user, String role) {
        run("user", "grant-role", requireText(user, "user"), requireText(role, "role"));
    }

    /**
     * {@code etcdctl role grant-permission [--prefix] <role> <type> <key>}.
     *
     * @param type   {@code read}, {@code write} or {@code readwrite}
     * @param prefix whether the permission covers every key starting with {@code key}
     */
    public void grantPermission(String role, String type, String key, boolean prefix) {
        String t = type.toLowerCase(Locale.ROOT);
        if (!PERMISSION_TYPES.contains(t)) {
            throw new IllegalArgumentException("permission type must be read, write or readwrite: " + type);
        }
        List<String> args = new ArrayList<>(List.of("role", "grant-permission"));
        if (prefix) {
            args.add("--prefix=true");
        }
        args.addAll(List.of("--", requireText(role, "role"), t, key));
        run(args.toArray(String[]::new));
    }

    /** Grants a lease with {@code ttlSeconds}; returns its id. */
    public long leaseGrant(long ttlSeconds) {
        JsonObject response = EtcdctlJson.parseObject(run("lease", "grant", Long.toString(ttlSeconds), "-w", "json"));
        if (!response.containsKey("ID")) {
            throw new IllegalStateException("etcdctl lease grant printed no ID: " + response);
        }
        return response.getJsonNumber("ID").longValue();
    }

    /** The ids of all live leases. */
    public List<Long> leaseList() {
        JsonArray leases = EtcdctlJson.parseObject(run("lease", "list", "-w", "json")).getJsonArray("leases");
        List<Long> ids = new ArrayList<>();
        if (leases != null) {
            for (JsonValue lease : leases) {
                ids.add(lease.asJsonObject().getJsonNumber("id").longValue());
            }
        }
        return ids;
    }

    /** Revokes lease {@code id} (deleting the keys attached to it). */
    public void leaseRevoke(long id) {
        run("lease", "revoke", Long.toHexString(id)); // etcdctl takes lease ids in hex
    }

    @Override
    public String toString() {
        return "Etcdctl[" + endpoints + (caCert != null ? ", tls" : "") + (user != null ? ", user " + user : "") + "]";
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }

    private static Invoker localInvoker(Path binary) {
        return (args, timeout) -> {
            if (!Binaries.usable(binary)) {
                throw new IllegalStateException("etcdctl binary not found at " + binary
                        + ": install it (Debian/Ubuntu: apt-get install etcd-client; elsewhere it comes with etcd:"
                        + " https://github.com/etcd-io/etcd/releases) or set -Detcdctl.binary=/path/to/etcdctl");
            }
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.addAll(args);
            return ProcessRunner.run(command, env -> {
                env.keySet().removeIf(k -> k.startsWith("ETCDCTL_"));
                env.put("ETCDCTL_API", "3");
            }, timeout);
        };
    }
}
