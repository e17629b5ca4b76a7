package io.etcdmp.internal.cdi;

import io.etcd.jetcd.Client;
import io.etcdmp.cdi.EtcdExtension;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.ConfigChanged;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.OptionalApis;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Shutdown;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.BuildCompatibleExtension;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.ObserverInfo;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.SkipIfPortableExtensionPresent;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;
import jakarta.inject.Singleton;

/**
 * The CDI side of the library where portable extensions do not run (CDI Lite: Quarkus's ArC): the same
 * beans as {@link EtcdExtension} ({@link EtcdConnection}, {@link Client} unless the application has its
 * own, {@link ConfigStore}, {@link ServiceRegistry}, the {@code etcd} readiness check where MicroProfile
 * Health is present), the same CDI events, registration of the deployment at {@link Startup} and
 * deregistration at {@link Shutdown}. Its methods run at build time under ArC: they decide which beans
 * exist and never read a setting; the beans read theirs when created, at run time ({@link LiteBeans}).
 * Weld runs build compatible extensions too: there the portable extension serves and this one is skipped.
 * The library jar does not register it (Open Liberty would keep every undeployed application's class loader
 * through it): {@code io.etcdmp:etcd-microprofile-quarkus} does, with its one {@code META-INF/services} file.
 */
@SkipIfPortableExtensionPresent(EtcdExtension.class)
public class EtcdLiteExtension implements BuildCompatibleExtension {
    private static final String HEALTH_CHECK = "io.etcdmp.internal.health.EtcdReadinessCheck";
    private static final String HTTP_SERVER_START = "io.quarkus.vertx.http.HttpServerStart";

    private boolean applicationClient;

    /**
     * Quarkus fires {@code Startup} before its HTTP server listens, then {@code HttpServerStart} (asynchronously)
     * once it does: registering at the latter means callers never find an instance that refuses connections.
     */
    @SuppressWarnings("unchecked") // observed as Object: the observer only needs to run, not the event's content
    private static Class<Object> startEvent() {
        Class<?> type;
        try {
            type = Class.forName(HTTP_SERVER_START, false, EtcdLiteExtension.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            type = Startup.class;
        }
        return (Class<Object>) type;
    }

    @Discovery
    public void addHealthCheck(ScannedClasses classes) {
        // a class name, not a class literal: without MicroProfile Health the check's class cannot be loaded
        if (OptionalApis.HEALTH) {
            classes.add(HEALTH_CHECK);
        }
        if (OptionalApis.REST_CLIENT) {
            classes.add(OptionalApis.EJECTING_INTERCEPTOR);
        }
    }

    @Registration(types = Client.class)
    public void findApplicationClient(BeanInfo bean) {
        applicationClient = true;
    }

    /**
     * {@code @ConfigChanged("db.")} observers cannot be narrowed here: a build compatible extension cannot change
     * an observer's qualifiers (the portable extension does), and an event fired with the qualifier would reach
     * the unqualified observers a second time. Such an observer would hear nothing, so the build fails naming it.
     */
    @Registration(types = ConfigChangeEvent.class)
    public void refuseNarrowedConfigObservers(ObserverInfo observer, Messages messages) {
        if (observer.qualifiers().stream().anyMatch(q -> q.name().equals(ConfigChanged.class.getName()))) {
            messages.error("@ConfigChanged on a ConfigChangeEvent observer is not supported under CDI Lite (Quarkus): "
                    + "observe ConfigChangeEvent without it and use event.under(prefix)", observer);
        }
    }

    @Synthesis
    public void registerBeans(SyntheticComponents components) {
        components.addBean(EtcdConnection.class).type(EtcdConnection.class).scope(Singleton.class)
                .withParam(LiteBeans.APPLICATION_CLIENT, applicationClient)
                .createWith(LiteBeans.Connection.class).disposeWith(LiteBeans.ConnectionClose.class);
        if (!applicationClient) {
            components.addBean(Client.class).type(Client.class).scope(ApplicationScoped.class)
                    .createWith(LiteBeans.SharedClient.class);
        }
        components.addBean(ConfigStore.class).type(ConfigStore.class).scope(Singleton.class)
                .createWith(LiteBeans.Store.class);
        components.addBean(ServiceRegistry.class).type(ServiceRegistry.class).scope(Singleton.class)
                .withParam(LiteBeans.APPLICATION_CLIENT, applicationClient)
                .createWith(LiteBeans.Registry.class).disposeWith(LiteBeans.RegistryClose.class);
        Class<Object> start = startEvent();
        components.addObserver(start).priority(CdiSupport.SELF_REGISTRATION_PRIORITY)
                .async(start != (Object) Startup.class).observeWith(LiteBeans.Start.class);
        components.addObserver(Shutdown.class).observeWith(LiteBeans.Stop.class);
    }
}
