package io.etcdmp.internal.client;

import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;

import java.util.function.Predicate;

/**
 * Turns etcd's terse refusals into messages that say what to fix. etcd answers a missing permission
 * with only "permission denied"; the library knows which permission on which key range it needed.
 */
public final class EtcdFailures {
    private EtcdFailures() {
    }

    /**
     * A failure in one line for messages: the innermost useful exception's simple class name and message,
     * looking through {@code ExecutionException}/{@code CompletionException} wrappers and through
     * exceptions that only repeat their cause (no message, or a message naming the cause's class).
     */
    public static String describe(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof java.util.concurrent.ExecutionException || t instanceof java.util.concurrent.CompletionException
                    || t.getMessage() == null || t.getMessage().contains("Exception"))) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /**
     * True when {@code error} or one of its causes has the gRPC status {@code code} (also as jetcd's
     * {@code EtcdException} error code, which carries no gRPC status), is of the type jetcd
     * uses for it ({@code types}), or carries etcd's message for it ({@code message}, may be null). Where etcd uses
     * one code for several refusals (OUT_OF_RANGE), test the message alone, as {@link #isCompactedRevision} does.
     */
    public static boolean hasCause(Throwable error, Status.Code code, String message, Class<?>... types) {
        return anyCause(error, t -> Status.fromThrowable(t).getCode() == code
                || (t instanceof EtcdException jetcd && jetcd.getErrorCode().name().equals(code.name()))
                || hasMessage(t, message) || isAny(t, types));
    }

    /**
     * True when etcd refused a read because the revision asked for is compacted: its message "mvcc: required revision has
     * been compacted", or jetcd's {@code CompactedException}. Not the status code alone: etcd answers a revision
     * later than its current one with the same OUT_OF_RANGE ({@link #isFutureRevision}).
     */
    public static boolean isCompactedRevision(Throwable error) {
        return anyCause(error, t -> hasMessage(t, "required revision has been compacted")
                || t instanceof CompactedException);
    }

    /** True when etcd refused a read at a revision later than its current one ("mvcc: required revision is a future revision"). */
    public static boolean isFutureRevision(Throwable error) {
        return anyCause(error, t -> hasMessage(t, "required revision is a future revision"));
    }

    /** The one walk of a cause chain in the library: bounded, safe against causes that loop. */
    private static boolean anyCause(Throwable error, Predicate<Throwable> test) {
        int depth = 0;
        for (Throwable t = error; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasMessage(Throwable t, String message) {
        return message != null && t.getMessage() != null && t.getMessage().contains(message);
    }

    private static boolean isAny(Throwable t, Class<?>... types) {
        for (Class<?> type : types) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** True when etcd refused the request for lack of a permission (PERMISSION_DENIED anywhere in the causes). */
    public static boolean isPermissionDenied(Throwable error) {
        return hasCause(error, Status.Code.PERMISSION_DENIED, "permission denied");
    }

    /**
     * True when etcd refused the credentials: a wrong user or password, or a user set for an etcd without
     * authentication ({@link #isAuthenticationDisabled}); jetcd reports both as UNAUTHENTICATED.
     */
    public static boolean isAuthenticationFailure(Throwable error) {
        return hasCause(error, Status.Code.UNAUTHENTICATED, "authentication failed");
    }

    /**
     * True when etcd answered the client's authentication with "authentication is not enabled"
     * (FAILED_PRECONDITION, under jetcd's UNAUTHENTICATED): a user is set, but etcd has no authentication on.
     */
    public static boolean isAuthenticationDisabled(Throwable error) {
        return anyCause(error, t -> hasMessage(t, "authentication is not enabled"));
    }

    /**
     * Why a call on {@code range} failed, for a message: the missing {@code permission} and the command
     * that grants it when etcd refused one ({@link #missingPermission}), why the credentials were refused
     * ({@link #refusedCredentials}), else {@link #describe}.
     */
    public static String explain(EtcdSettings settings, String permission, String range, Throwable error) {
        if (isPermissionDenied(error)) {
            return missingPermission(settings, permission, range);
        }
        if (isAuthenticationDisabled(error)) {
            return authenticationDisabled(settings);
        }
        // etcd's own words only: another UNAUTHENTICATED (an auth token that expired and could not be renewed) is not a
        // wrong password, and its own message says more than a hint to check the credentials would
        return anyCause(error, t -> hasMessage(t, "authentication failed")) ? badCredentials(settings) : describe(error);
    }

    /**
     * For a TLS connection that got no answer: the likely causes and the settings to check (a failed
     * TLS handshake looks like silence to a gRPC client waiting for the channel). Empty without TLS.
     */
    public static String tlsHint(EtcdSettings settings) {
        if (!settings.tls()) {
            return "";
        }
        return " (TLS is on: if the server's certificate is not signed by the CA in " + EtcdSettings.TLS_CA_FILE
                + ", or the server does not accept the client certificate of " + EtcdSettings.TLS_CERT_FILE + "/"
                + EtcdSettings.TLS_KEY_FILE + ", the handshake fails and etcd never answers)";
    }

    /**
     * What a TCP connect to each endpoint says, for a failure that looks like silence (a timeout): e.g.
     * "; connection refused at 127.0.0.1:2379 (nothing listens there: is etcd running?)". Each connect is
     * bounded by 300 ms; endpoints that accept connections are not mentioned. Empty when all accept.
     */
    public static String reachability(EtcdSettings settings) {
        StringBuilder out = new StringBuilder();
        for (java.net.URI endpoint : settings.endpoints()) {
            String address = endpoint.getHost() + ":" + endpoint.getPort();
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 300);
            } catch (java.net.ConnectException e) {
                out.append("; connection refused at ").append(address).append(" (nothing listens there: is etcd running?)");
            } catch (java.net.UnknownHostException e) {
                out.append("; unknown host ").append(endpoint.getHost());
            } catch (java.net.SocketTimeoutException e) {
                out.append("; no TCP answer from ").append(address).append(" within 300 ms (host down or packets dropped)");
            } catch (java.io.IOException | RuntimeException e) {
                out.append("; cannot connect to ").append(address).append(": ").append(describe(e));
            }
        }
        return out.toString();
    }

    /**
     * For an {@link #isAuthenticationFailure}: {@link #authenticationDisabled} when etcd said that authentication
     * is not enabled, else {@link #badCredentials}. Never the password.
     */
    public static String refusedCredentials(EtcdSettings settings, Throwable error) {
        return isAuthenticationDisabled(error) ? authenticationDisabled(settings) : badCredentials(settings);
    }

    /**
     * "etcd at http://127.0.0.1:2379 has authentication disabled but etcd.user 'root' is set: remove
     * etcd.user/etcd.password, or enable authentication in etcd".
     */
    public static String authenticationDisabled(EtcdSettings settings) {
        return "etcd at " + settings.endpointList() + " has authentication disabled but " + EtcdSettings.USER
                + settings.user().map(u -> " '" + u + "'").orElse("") + " is set: remove " + EtcdSettings.USER + "/"
                + EtcdSettings.PASSWORD + ", or enable authentication in etcd";
    }

    /** "etcd refused the credentials of user 'x' (authentication failed): check etcd.user and etcd.password". */
    public static String badCredentials(EtcdSettings settings) {
        return "etcd refused the credentials" + settings.user().map(u -> " of user '" + u + "'").orElse("")
                + " (authentication failed): check " + EtcdSettings.USER + " and " + EtcdSettings.PASSWORD;
    }

    /**
     * "etcd user 'orders' lacks read permission on prefix '/config/orders/' (etcd: permission denied);
     * grant it: etcdctl role grant-permission --prefix=true &lt;role&gt; read /config/orders/".
     *
     * @param permission {@code read}, {@code write} or {@code readwrite}
     */
    public static String missingPermission(EtcdSettings settings, String permission, String prefix) {
        String who = settings.user().map(u -> "etcd user '" + u + "'")
                .orElse("the etcd client (no " + EtcdSettings.USER + " set)");
        return who + " lacks " + permission + " permission on prefix '" + prefix + "' (etcd: permission denied); grant it: "
                + "etcdctl role grant-permission --prefix=true <role of the user> " + permission + " " + prefix;
    }
}
