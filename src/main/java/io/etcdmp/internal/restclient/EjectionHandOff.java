package io.etcdmp.internal.restclient;

import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells {@link EjectingInterceptor} which instance the by-name filter chose for the call it wraps: the interceptor
 * opens an attempt for its thread, the filter (running on the calling thread, as every blocking client runs its
 * request filters) writes its choice into it. A static map keyed by thread id, not a ThreadLocal: a pooled server
 * thread never keeps an entry (and so the application's classes) after the call. Costs the filter one read of an
 * empty map where no interceptor is in use.
 */
public final class EjectionHandOff {
    private static final Map<Long, Attempt> OPEN = new ConcurrentHashMap<>();

    private EjectionHandOff() {
    }

    /** The filter chose {@code instance} from {@code registry} for a request on this thread. */
    public static void chose(ServiceRegistry registry, ServiceInstance instance) {
        if (OPEN.isEmpty()) {
            return;
        }
        Attempt attempt = OPEN.get(Thread.currentThread().getId());
        if (attempt != null) {
            attempt.registry = registry;
            attempt.chosen = instance;
        }
    }

    /** Opens an attempt for this thread; {@link Attempt#close()} gives the thread back the one it had before (nested calls). */
    static Attempt open() {
        long thread = Thread.currentThread().getId();
        Attempt attempt = new Attempt(thread);
        attempt.outer = OPEN.put(thread, attempt);
        return attempt;
    }

    /** Attempts open now (for tests: none once every call returned). */
    static int openAttempts() {
        return OPEN.size();
    }

    /** One intercepted call on one thread; written and read on that thread only. */
    static final class Attempt implements AutoCloseable {
        private final long thread;
        private Attempt outer;
        private ServiceRegistry registry;
        private ServiceInstance chosen;

        private Attempt(long thread) {
            this.thread = thread;
        }

        /**
         * Reports {@code failure} against the instance chosen last in this attempt, if any; the registry ejects it
         * only for a refused connection or a connect timeout.
         */
        void failed(Throwable failure) {
            if (chosen != null) {
                registry.reportFailure(chosen, failure);
            }
        }

        @Override
        public void close() {
            if (outer == null) {
                OPEN.remove(thread, this);
            } else {
                OPEN.put(thread, outer);
            }
        }
    }
}
