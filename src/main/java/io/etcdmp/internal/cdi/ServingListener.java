package io.etcdmp.internal.cdi;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Set;

/**
 * What a servlet container tells the {@link ServingProbe}: the web application's context path when it starts,
 * and the probe's request once it reaches the application. Registered in
 * {@code META-INF/services/jakarta.servlet.ServletContainerInitializer}, so only a servlet container (Payara,
 * WildFly, Open Liberty) ever loads it; elsewhere the servlet API need not exist.
 */
public final class ServingListener implements ServletContainerInitializer, ServletRequestListener {
    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        ServingProbe.webApplicationStarts(context.getContextPath());
        context.addListener(new ServingListener());
    }

    @Override
    public void requestInitialized(ServletRequestEvent event) {
        if (ServingProbe.isWaiting() && event.getServletRequest() instanceof HttpServletRequest request) {
            ServingProbe.requestStarted(request.getHeader(ServingProbe.HEADER));
        }
    }
}
