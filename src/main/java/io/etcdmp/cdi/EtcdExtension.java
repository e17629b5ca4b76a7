package io.etcdmp.cdi;

import io.etcd.jetcd.Client;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.ConfigChanged;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.cdi.AppliedSources;
import io.etcdmp.internal.cdi.CdiSupport;
import io.etcdmp.internal.cdi.ContainerClient;
import io.etcdmp.internal.cdi.RuntimeServer;
import io.etcdmp.internal.cdi.ServingProbe;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.NettyThreadState;
import io.etcdmp.internal.client.OptionalApis;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.internal.health.EtcdReadinessCheck;
import io.etcdmp.internal.health.ReadinessMode;
import io.etcdmp.internal.registry.AppliedConfig;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceChangeEvent;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.EventContext;
import jakarta.enterprise.inject.spi.EventMetadata;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ObserverMethod;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.enterprise.inject.spi.ProcessObserverMethod;
import jakarta.enterprise.inject.spi.ProcessSyntheticAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.lang.System.Logger.Level;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The CDI side of the library. Adds the beans {@link EtcdConnection}, {@link Client} (unless the
 * application produces its own {@code Client}, which then wins and is used by every bean here),
 * {@link ConfigStore}, {@link ServiceRegistry} and, where MicroProfile Health is present, the
 * {@code etcd} readiness check, all configured from MicroProfile Config. Fires a
 * {@link ConfigChangeEvent} for every change of the etcd config source and a
 * {@link ServiceChangeEvent} for every change of a followed service. Registers the deployment itself
 * when the application scope starts and deregisters it before that scope is destroyed; at shutdown
 * closes what it opened, config source included, so a redeploy leaves no thread behind.
 */
public class EtcdExtension implements Extension {
    private static final System.Logger LOG = System.getLogger(EtcdExtension.class.getName());

    private boolean applicationClient;
    private RegistrySettings registry;
    private boolean ourBeansAdded;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();
    private final ServingProbe serving = new ServingProbe();
    /**
     * The etcd config sources of this application's Config, claimed for this container while the application
     * starts: at shutdown some runtimes (Open Liberty) answer {@code ConfigProvider.getConfig()} with another
     * Config, so looking them up then would leave them, their connection and its threads running. A source
     * another container still runs with (two containers in one JVM and class loader) stays open.
     */
    private final Set<PrefixConfigSource> configSources = Collections.newSetFromMap(new IdentityHashMap<>());

    void addHealthCheck(@Observes BeforeBeanDiscovery bbd, BeanManager beans) {
        if (OptionalApis.HEALTH) {
            bbd.addAnnotatedType(beans.createAnnotatedType(EtcdReadinessCheck.class), EtcdReadinessCheck.class.getName());
        }
        if (OptionalApis.REST_CLIENT) { // beans.xml excludes its package from discovery, as every other class of the jar
            Class<?> interceptor = OptionalApis.loadLibraryClass(OptionalApis.EJECTING_INTERCEPTOR);
            bbd.addAnnotatedType(beans.createAnnotatedType(interceptor), interceptor.getName());
        }
    }

    /**
     * Where discovery finds the ejecting interceptor too (a shaded jar, a beans.xml with discovery "all"), the copy
     * {@link #addHealthCheck} added is the one kept: one interceptor, not two nested.
     */
    void skipDiscoveredEjectingInterceptor(@Observes @WithAnnotations(jakarta.interceptor.Interceptor.class)
                                           ProcessAnnotatedType<?> event) {
        if (!(event instanceof ProcessSyntheticAnnotatedType)
                && event.getAnnotatedType().getJavaClass().getName().equals(OptionalApis.EJECTING_INTERCEPTOR)) {
            event.veto();
        }
    }

    void findApplicationClient(@Observes ProcessBean<?> event) {
        if (!ourBeansAdded && event.getBean().getTypes().contains(Client.class)) {
            applicationClient = true;
        }
    }

    /**
     * A {@code @ConfigChanged("db.")} observer hears the events fired without qualifier, narrowed to the
     * changes under its prefix, and nothing when none is (a qualified event would reach the unqualified
     * observers a second time).
     */
    void narrowConfigObservers(@Observes ProcessObserverMethod<ConfigChangeEvent, ?> event) {
        ObserverMethod<ConfigChangeEvent> observer = event.getObserverMethod();
        String prefix = null;
        Set<Annotation> others = new HashSet<>();
        for (Annotation qualifier : observer.getObservedQualifiers()) {
            if (qualifier instanceof ConfigChanged changed) {
                prefix = changed.value();
            } else {
                others.add(qualifier);
            }
        }
        if (prefix == null) {
            return;
        }
        String under = prefix;
        event.configureObserverMethod().qualifiers(others).notifyWith(context -> context.getEvent().under(under)
                .ifPresent(narrowed -> observer.notify(new NarrowedEvent(narrowed, context.getMetadata()))));
    }

    private record NarrowedEvent(ConfigChangeEvent getEvent, EventMetadata getMetadata) implements EventContext<ConfigChangeEvent> {
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof NarrowedEvent that
                    && Objects.equals(getEvent, that.getEvent)
                    && Objects.equals(getMetadata, that.getMetadata);
        }

        @Override
        public int hashCode() {
            return Objects.hash(getEvent, getMetadata);
        }

        @Override
        public String toString() {
            return "NarrowedEvent[getEvent=" + String.valueOf(getEvent)
                    + ", getMetadata=" + String.valueOf(getMetadata) + "]";
        }
    }

    void registerBeans(@Observes AfterBeanDiscovery abd) {
        ourBeansAdded = true;
        EtcdSettings settings;
        String writePrefix;
        RegistrySettings registrySettings;
        try {
            Config config = ConfigProvider.getConfig();
            PropertyLookup lookup = name -> config.getOptionalValue(name, String.class);
            settings = EtcdSettings.from(lookup);
            writePrefix = ConfigSourceSettings.from(lookup).writePrefix();
            registrySettings = RegistrySettings.from(lookup, CdiSupport.metadata(config));
            ReadinessMode.from(lookup); // a wrong value fails the deployment, not every probe
            // once the settings hold: the runtime may hand this container the Config of an earlier one in this JVM, whose
            // shutdown closed them (claiming opens them again), or of one still running (open until both stopped)
            claim(PrefixConfigSource.of(config));
        } catch (EtcdMicroprofileException e) {
            abd.addDefinitionError(e);
            return;
        }
        boolean useApplicationClient = applicationClient;
        Function<Instance<Object>, EtcdConnection> connect = beans -> useApplicationClient
                ? EtcdConnections.borrow(beans.select(Client.class).get(), settings)
                : EtcdConnections.acquire(settings);
        abd.addBean().beanClass(EtcdExtension.class).types(EtcdConnection.class, Object.class).scope(Singleton.class)
                .produceWith(connect)
                .disposeWith((connection, beans) -> ((EtcdConnection) connection).close());
        if (!useApplicationClient) {
            abd.addBean().beanClass(EtcdExtension.class).types(Client.class, Object.class).scope(ApplicationScoped.class)
                    .produceWith(beans -> new ContainerClient(beans.select(EtcdConnection.class).get().client()));
        }
        abd.addBean().beanClass(EtcdExtension.class).types(ConfigStore.class, Object.class).scope(Singleton.class)
                .produceWith(beans -> new EtcdConfigStore(beans.select(EtcdConnection.class).get(), writePrefix));
        // the registry holds a connection of its own: CDI destroys the two singletons in no fixed order, and the
        // registry's close must revoke its leases on an open connection
        abd.addBean().beanClass(EtcdExtension.class).types(ServiceRegistry.class, Object.class).scope(Singleton.class)
                .produceWith(beans -> EtcdServiceRegistry.withOwnConnection(connect.apply(beans), registrySettings))
                .disposeWith((registry, beans) -> ((EtcdServiceRegistry) registry).close());
        this.registry = registrySettings;
        LOG.log(Level.INFO, "etcd-microprofile active: {0}, {1}", settings.endpointList(), useApplicationClient
                ? "using the application's own Client bean" : "Client bean provided");
    }

    void validateSelfRegistration(@Observes AfterDeploymentValidation adv, BeanManager beans) {
        if (registry == null) {
            return;
        }
        Optional<String> notRegistering = registry.whyNoSelfRegistration();
        if (notRegistering.isPresent()) {
            LOG.log(registry.noSelfRegistrationLevel(), notRegistering.get());
        } else if (OptionalApis.jsonProblem().isPresent()) {
            adv.addDeploymentProblem(new EtcdMicroprofileException("Service " + registry.serviceName().get() + " cannot register itself: "
                    + OptionalApis.jsonProblem().get()));
        } else {
            // where the runtime tells its bound port (Helidon), a random port (0) is resolved once it listens:
            // validate with a stand-in for it; elsewhere port 0 is refused now
            int stillUnknown = RuntimeServer.of(beans).isPresent() ? 1 : 0;
            try {
                registry.selfInstance(stillUnknown);
            } catch (EtcdMicroprofileException e) {
                adv.addDeploymentProblem(e);
            }
        }
    }

    /** Subscribes the CDI events to the config source and the registry. */
    void subscribe(@Observes @Initialized(ApplicationScoped.class) Object ignored, BeanManager beans) {
        try {
            List<PrefixConfigSource> sources = PrefixConfigSource.of(ConfigProvider.getConfig());
            claim(sources);
            subscriptions.add(CdiSupport.bindTelemetry(beans.createInstance()));
            for (PrefixConfigSource source : sources) {
                subscriptions.add(source.addChangeListener(
                        event -> beans.getEvent().select(ConfigChangeEvent.class).fire(event)));
            }
            if (registry != null) {
                ServiceRegistry services = beans.createInstance().select(ServiceRegistry.class).get();
                subscriptions.add(services.onEveryChange(event -> beans.getEvent().select(ServiceChangeEvent.class).fire(event)));
            }
        } finally {
            NettyThreadState.release();
        }
    }

    /**
     * Registers the deployment once it serves: after the observers of the application scope's start at
     * lower priorities, the runtime's server start among them (Helidon MP starts its server at
     * {@code PLATFORM_AFTER + 100}), so callers never find an instance that refuses connections; with the
     * port the server bound where the runtime tells it. In a servlet container, once the web application answers
     * ({@link ServingProbe}).
     */
    void registerSelf(@Observes @Priority(CdiSupport.SELF_REGISTRATION_PRIORITY) @Initialized(ApplicationScoped.class) Object scope,
                      BeanManager beans) {
        if (registry == null || !registry.selfRegistration()) {
            return;
        }
        try {
            int boundPort = RuntimeServer.of(beans).map(RuntimeServer::boundPort).orElse(0);
            ServiceRegistry services = beans.createInstance().select(ServiceRegistry.class).get();
            ServiceInstance self = registry.selfInstance(boundPort);
            registry.unreachableAddress(self).ifPresent(problem -> LOG.log(Level.WARNING, problem));
            AppliedConfig applied = AppliedSources.of(PrefixConfigSource.of(ConfigProvider.getConfig()));
            serving.register(beans, scope, self, () -> ((EtcdServiceRegistry) services).registerSelf(self, applied));
        } finally {
            NettyThreadState.release();
        }
    }

    /**
     * Drains and deregisters the deployment before the runtime stops serving (Helidon MP stops its server at
     * {@code PLATFORM_BEFORE}): readiness DOWN, record {@code DRAINING}, {@code etcd.registry.drain-time} of
     * serving the requests already sent, then the lease revoked.
     */
    void deregister(@Observes @Priority(CdiSupport.DRAIN_PRIORITY) @BeforeDestroyed(ApplicationScoped.class) Object ignored,
                    BeanManager beans) {
        serving.cancel();
        try {
            if (registry != null && registry.selfRegistration()) {
                beans.createInstance().select(ServiceRegistry.class).get().selfRegistration()
                        .ifPresent(self -> self.drain(registry.drainTime()));
            }
        } finally {
            NettyThreadState.release();
        }
    }

    /** A request reached the application: the serving probe's, once it serves. */
    void seeServingProbe(@Observes @Initialized(RequestScoped.class) Object request) {
        serving.requestStarted(request);
    }

    /** The request ran on a server thread: whatever the library or the application did with jetcd on it, leave no Netty state there. */
    void releaseRequestThread(@Observes @Destroyed(RequestScoped.class) Object ignored) {
        NettyThreadState.release();
    }

    void closeConfigSources(@Observes BeforeShutdown event) {
        for (AutoCloseable subscription : subscriptions) {
            closeQuietly(subscription);
        }
        subscriptions.clear();
        configSources.forEach(source -> source.release(this));
        configSources.clear();
        NettyThreadState.release();
    }

    private void claim(List<PrefixConfigSource> sources) {
        for (PrefixConfigSource source : sources) {
            if (configSources.add(source)) {
                source.claim(this);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Closing " + closeable + " failed", e);
        }
    }
}
