package io.etcdmp.internal.cdi;

import io.etcd.jetcd.Client;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;
import io.etcdmp.internal.client.NettyThreadState;
import io.etcdmp.internal.client.OptionalApis;
import io.etcdmp.internal.client.PropertyLookup;
import io.etcdmp.internal.config.ConfigSourceSettings;
import io.etcdmp.internal.config.EtcdConfigStore;
import io.etcdmp.internal.config.PrefixConfigSource;
import io.etcdmp.internal.health.ReadinessMode;
import io.etcdmp.internal.registry.EtcdServiceRegistry;
import io.etcdmp.internal.registry.RegistrySettings;
import io.etcdmp.registry.ServiceChangeEvent;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Shutdown;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.build.compatible.spi.Parameters;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanCreator;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticBeanDisposer;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticObserver;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.EventContext;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link EtcdLiteExtension}'s synthetic beans and observers do at run time, where the settings are
 * read from MicroProfile Config (application.properties, {@code -D}, environment). The classes are public
 * because the container instantiates them; they are not API.
 */
public final class LiteBeans {
    static final String APPLICATION_CLIENT = "applicationClient";
    private static final System.Logger LOG = System.getLogger(LiteBeans.class.getName());
    /** What the started application subscribed and the config sources it holds, closed at {@code Shutdown}. */
    private static final List<AutoCloseable> OPEN = new ArrayList<>();
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private LiteBeans() {
    }

    private static Config config() {
        return ConfigProvider.getConfig();
    }

    private static PropertyLookup lookup(Config config) {
        return name -> config.getOptionalValue(name, String.class);
    }

    private static EtcdConnection connect(Instance<Object> lookup, Parameters params) {
        EtcdSettings settings = EtcdSettings.from(lookup(config()));
        return Boolean.TRUE.equals(params.get(APPLICATION_CLIENT, Boolean.class))
                ? EtcdConnections.borrow(lookup.select(Client.class).get(), settings)
                : EtcdConnections.acquire(settings);
    }

    private static RegistrySettings registrySettings() {
        Config config = config();
        return RegistrySettings.from(lookup(config), CdiSupport.metadata(config));
    }

    public static final class Connection implements SyntheticBeanCreator<EtcdConnection> {
        @Override
        public EtcdConnection create(Instance<Object> lookup, Parameters params) {
            return connect(lookup, params);
        }
    }

    public static final class ConnectionClose implements SyntheticBeanDisposer<EtcdConnection> {
        @Override
        public void dispose(EtcdConnection connection, Instance<Object> lookup, Parameters params) {
            connection.close();
        }
    }

    public static final class SharedClient implements SyntheticBeanCreator<Client> {
        @Override
        public Client create(Instance<Object> lookup, Parameters params) {
            return new ContainerClient(lookup.select(EtcdConnection.class).get().client());
        }
    }

    public static final class Store implements SyntheticBeanCreator<ConfigStore> {
        @Override
        public ConfigStore create(Instance<Object> lookup, Parameters params) {
            String writePrefix = ConfigSourceSettings.from(lookup(config())).writePrefix();
            return new EtcdConfigStore(lookup.select(EtcdConnection.class).get(), writePrefix);
        }
    }

    /** The registry holds a connection of its own: its close must revoke leases on an open connection. */
    public static final class Registry implements SyntheticBeanCreator<ServiceRegistry> {
        @Override
        public ServiceRegistry create(Instance<Object> lookup, Parameters params) {
            return EtcdServiceRegistry.withOwnConnection(connect(lookup, params), registrySettings());
        }
    }

    public static final class RegistryClose implements SyntheticBeanDisposer<ServiceRegistry> {
        @Override
        public void dispose(ServiceRegistry registry, Instance<Object> lookup, Parameters params) {
            registry.close();
        }
    }

    /** At start: the CDI events subscribed, the deployment registered (when it has a name and a port). */
    public static final class Start implements SyntheticObserver<Object> {
        @Override
        public void observe(EventContext<Object> event, Parameters params) {
            try {
                start();
            } catch (RuntimeException e) {
                // an asynchronous observer's failure would otherwise go unseen
                LOG.log(Level.ERROR, "etcd-microprofile could not start: " + e.getMessage(), e);
                throw e;
            } finally {
                NettyThreadState.release();
            }
        }
    }

    /**
     * At shutdown: drained ({@code etcd.registry.drain-time}: readiness DOWN, record {@code DRAINING}) and
     * deregistered first, then the subscriptions and the config sources closed.
     */
    public static final class Stop implements SyntheticObserver<Shutdown> {
        @Override
        public void observe(EventContext<Shutdown> event, Parameters params) {
            try {
                stop();
            } finally {
                NettyThreadState.release();
            }
        }
    }

    private static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Config config = config();
        EtcdSettings settings = EtcdSettings.from(lookup(config));
        RegistrySettings registry = registrySettings();
        ReadinessMode.from(lookup(config)); // a wrong value fails the start, not every probe
        CDI<Object> cdi = CDI.current();
        Event<Object> events = cdi.getBeanContainer().getEvent();
        ServiceRegistry services = cdi.select(ServiceRegistry.class).get();
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(CdiSupport.bindTelemetry(cdi));
        Object application = new Object(); // this application's claim on its config sources
        for (PrefixConfigSource source : PrefixConfigSource.of(config)) {
            source.claim(application);
            opened.add(source.addChangeListener(e -> events.select(ConfigChangeEvent.class).fire(e)));
            opened.add(() -> source.release(application));
        }
        opened.add(services.onEveryChange(e -> events.select(ServiceChangeEvent.class).fire(e)));
        synchronized (OPEN) { // never held while calling out (the subscriptions may start watches)
            OPEN.addAll(opened);
        }
        LOG.log(Level.INFO, "etcd-microprofile active: {0}, Client bean provided (CDI Lite)", settings.endpointList());
        Optional<String> notRegistering = registry.whyNoSelfRegistration();
        if (notRegistering.isPresent()) {
            LOG.log(registry.noSelfRegistrationLevel(), notRegistering.get());
        } else {
            OptionalApis.jsonProblem().ifPresent(problem -> {
                throw new EtcdMicroprofileException("Service " + registry.serviceName().get() + " cannot register itself: " + problem);
            });
            ServiceInstance self = registry.selfInstance(0);
            registry.unreachableAddress(self).ifPresent(problem -> LOG.log(Level.WARNING, problem));
            ((EtcdServiceRegistry) services).registerSelf(self, AppliedSources.of(PrefixConfigSource.of(config)));
        }
    }

    private static void stop() {
        if (!STARTED.compareAndSet(true, false)) {
            return;
        }
        RegistrySettings registry = registrySettings();
        CDI.current().select(ServiceRegistry.class).get().selfRegistration()
                .ifPresent(self -> self.drain(registry.drainTime()));
        List<AutoCloseable> open;
        synchronized (OPEN) {
            open = new ArrayList<>(OPEN);
            OPEN.clear();
        }
        for (AutoCloseable closeable : open) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "Closing " + closeable + " at shutdown failed", e);
            }
        }
    }
}
