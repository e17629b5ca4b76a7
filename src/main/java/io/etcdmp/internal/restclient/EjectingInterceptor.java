package io.etcdmp.internal.restclient;

import io.etcdmp.restclient.ServiceNameFilter;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

/**
 * The interceptor of {@link ServiceNameFilter.EjectOnConnectFailure}: a call by name that ends in an exception
 * reports it against the instance the filter chose on this thread (the registry ejects only for a refused
 * connection or a connect timeout). Its priority puts it inside MicroProfile Fault Tolerance's interceptor
 * ({@code PLATFORM_AFTER + 10}), so every attempt of a {@code @Retry} passes through it.
 */
@Interceptor
@ServiceNameFilter.EjectOnConnectFailure
@Priority(Interceptor.Priority.PLATFORM_AFTER + 100)
public class EjectingInterceptor {
    /** Reports the failure of the wrapped call, then throws it on. */
    @AroundInvoke
    public Object reportConnectFailures(InvocationContext context) throws Exception {
        try (EjectionHandOff.Attempt attempt = EjectionHandOff.open()) {
            try {
                return context.proceed();
            } catch (Exception | Error e) {
                attempt.failed(e);
                throw e;
            }
        }
    }
}
