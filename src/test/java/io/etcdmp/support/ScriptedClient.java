package io.etcdmp.support;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.UnaryOperator;

/**
 * A jetcd {@link Client} for tests that script one part of etcd's behaviour and leave the rest real:
 * every call goes to a real client (on a real etcd), except the parts replaced here. Used behind
 * {@code EtcdConnections.borrow}, it makes an interleaving happen every time instead of by chance.
 */
public final class ScriptedClient {
    private final Client real;
    private Watch watch;
    private UnaryOperator<KV> kv = UnaryOperator.identity();
    private UnaryOperator<Lease> lease = UnaryOperator.identity();

    private ScriptedClient(Client real) {
        this.real = real;
    }

    public static ScriptedClient over(Client real) {
        return new ScriptedClient(real);
    }

    /** Watches go to {@code scripted} instead of etcd. */
    public ScriptedClient watch(Watch scripted) {
        this.watch = scripted;
        return this;
    }

    /** KV calls go through {@code wrap} (given the real KV client). */
    public ScriptedClient kv(UnaryOperator<KV> wrap) {
        this.kv = wrap;
        return this;
    }

    /** Lease calls go through {@code wrap} (given the real lease client). */
    public ScriptedClient lease(UnaryOperator<Lease> wrap) {
        this.lease = wrap;
        return this;
    }

    /** A client with no etcd behind it: KV and watches only, as given; any other call fails. */
    public static Client offline(KV kv, Watch watch) {
        return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getKVClient" -> kv;
                    case "getWatchClient" -> watch;
                    case "close" -> null;
                    case "toString" -> "ScriptedClient[offline]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("an offline client has no " + method.getName());
                });
    }

    /** The client; closing it closes the real one. */
    public Client build() {
        KV kvClient = kv.apply(real.getKVClient());
        Lease leaseClient = lease.apply(real.getLeaseClient());
        Watch watchClient = watch != null ? watch : real.getWatchClient();
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "getKVClient" -> kvClient;
            case "getLeaseClient" -> leaseClient;
            case "getWatchClient" -> watchClient;
            case "toString" -> "ScriptedClient[" + real + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> invoke(method, args);
        };
        return (Client) Proxy.newProxyInstance(Client.class.getClassLoader(), new Class<?>[] {Client.class}, handler);
    }

    private Object invoke(java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * {@code target} with every method of {@code type} going to it, except those {@code override}
     * answers (it returns {@link #PASS} for the others).
     */
    @SuppressWarnings("unchecked")
    public static <T> T intercept(Class<T> type, T target, Interceptor override) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object answer = override.call(method.getName(), args);
            if (answer != PASS) {
                return answer;
            }
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    /** Returned by an {@link Interceptor} for a call it leaves to the real client. */
    public static final Object PASS = new Object();

    @FunctionalInterface
    public interface Interceptor {
        Object call(String method, Object[] args) throws Throwable;
    }
}
