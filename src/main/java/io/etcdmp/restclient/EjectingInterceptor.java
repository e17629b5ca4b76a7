package io.etcdmp.restclient;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

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
                attempt.registry.reportFailure(attempt.chosen, e);
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

    /** The filter chose {@code instance} from {@code registry} for a request on this thread. */
    static void chose(ServiceRegistry registry, ServiceInstance instance, Object invokedMethod) {
        if (OPEN.isEmpty()) {
            return;
        }
        Attempt attempt = OPEN.get(Thread.currentThread());
        if (attempt != null && attempt.chosen == null && attempt.method.equals(invokedMethod)) {
            attempt.registry = registry;
            attempt.chosen = instance;
        }
    }

    /** Attempts open now, on every thread. */
    static int openAttempts() {
        return OPEN.size();
    }

    /** One intercepted call; written and read on its own thread only. */
    private static final class Attempt {
        private final java.lang.reflect.Method method;
        Attempt(java.lang.reflect.Method method) {
            this.method = method;
        }
        private ServiceRegistry registry;
        private ServiceInstance chosen;
    }
}
