package io.etcdmp.restclient;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interceptor of {@link ServiceNameFilter.EjectOnConnectFailure}: it opens an attempt for its thread, the filter
 * (running on the calling thread, as blocking clients run their request filters) writes the instance it chose into
 * it, and a call that ends in an exception reports it against that instance (the registry ejects only for a
 * refused connection or a connect timeout). Its priority puts it inside MicroProfile Fault Tolerance's interceptor
 * ({@code PLATFORM_AFTER + 10}), so every attempt of a {@code @Retry} passes through it. The attempts are in a
 * static map keyed by thread, not a ThreadLocal: a pooled server thread never keeps an entry (and so the
 * application's classes) after the call; the filter pays one read of an empty map where no interceptor is in use.
 */
@Interceptor
@ServiceNameFilter.EjectOnConnectFailure
@Priority(Interceptor.Priority.PLATFORM_AFTER + 100)
class EjectingInterceptor {
    private static final Map<Thread, Attempt> OPEN = new ConcurrentHashMap<>();

    EjectingInterceptor() {
    }

    /** Reports the failure of the wrapped call, then throws it on. */
    @AroundInvoke
    Object reportConnectFailures(InvocationContext context) throws Exception {
        Thread thread = Thread.currentThread();
        Attempt attempt = new Attempt(context.getMethod());
        Attempt outer = OPEN.put(thread, attempt);
        try {
            return context.proceed();
        } catch (Exception | Error e) {
            if (attempt.chosen != null) {
                try {
                    attempt.registry.reportFailure(attempt.chosen, e);
                } catch (RuntimeException reportFailed) { // the caller gets its own failure, unchanged
                    e.addSuppressed(reportFailed);
                }
            }
            throw e;
        } finally {
            if (outer == null) {
                OPEN.remove(thread, attempt);
            } else {
                OPEN.put(thread, outer); // a nested intercepted call returns: the outer one is open again
            }
        }
    }

    /** Whether any intercepted call is open (on any thread): when not, the filter has nothing to hand over. */
    static boolean anyOpen() {
        return !OPEN.isEmpty();
    }

    /**
     * The filter chose {@code instance} from {@code registry} for a request of the Rest Client method
     * {@code invokedMethod} (MicroProfile Rest Client's request property) on this thread: the open attempt takes the
     * first choice made for its own method, never one made by another client's request on the same thread (a
     * filter of that client calling another service by name). Whether an attempt took it.
     */
    static boolean chose(ServiceRegistry registry, ServiceInstance instance, Object invokedMethod) {
        Attempt attempt = OPEN.get(Thread.currentThread());
        if (attempt != null && attempt.chosen == null && attempt.isFor(invokedMethod)) {
            attempt.registry = registry;
            attempt.chosen = instance;
            return true;
        }
        return false;
    }

    /** Attempts open now, on every thread. */
    static int openAttempts() {
        return OPEN.size();
    }

    /** One intercepted call; written and read on its own thread only. */
    private static final class Attempt {
        private final Method method;
        private ServiceRegistry registry;
        private ServiceInstance chosen;

        Attempt(Method method) {
            this.method = method;
        }

        /**
         * By name and parameter types, not declaring class: Quarkus intercepts a generated class that implements the
         * interface, whose method is not the interface's {@code Method} the request property names.
         */
        boolean isFor(Object invoked) {
            return invoked instanceof Method m && method != null && m.getName().equals(method.getName())
                    && Arrays.equals(m.getParameterTypes(), method.getParameterTypes());
        }
    }
}
