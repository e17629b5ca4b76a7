package io.etcdmp.cdi;

import io.etcd.jetcd.Client;
import io.etcdmp.EtcdException;
import io.etcdmp.client.EtcdConnection;
import io.etcdmp.client.EtcdConnections;
import io.etcdmp.client.EtcdSettings;
import io.etcdmp.client.PropertyLookup;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.config.ConfigSourceSettings;
import io.etcdmp.config.ConfigStore;
import io.etcdmp.config.EtcdConfigSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * The CDI side of the library. Adds the beans {@link EtcdConnection}, {@link Client} (unless the
 * application produces its own {@code Client}, which then wins and is used by every bean here) and
 * {@link ConfigStore}, all configured from MicroProfile Config; fires a {@link ConfigChangeEvent} for
 * every change of the etcd config source; and at shutdown closes what it opened, config source
 * included, so a redeploy leaves no thread behind.
 */
public class EtcdExtension implements Extension {
    private static final System.Logger LOG = System.getLogger(EtcdExtension.class.getName());

    private boolean applicationClient;
    private boolean ourBeansAdded;
    private final List<AutoCloseable> subscriptions = new ArrayList<>();

    void findApplicationClient(@Observes ProcessBean<?> event) {
        if (!ourBeansAdded && event.getBean().getTypes().contains(Client.class)) {
            applicationClient = true;
        }
    }

    void registerBeans(@Observes AfterBeanDiscovery abd) {
        ourBeansAdded = true;
        EtcdSettings settings;
        String writePrefix;
        try {
            Config config = ConfigProvider.getConfig();
            PropertyLookup lookup = name -> config.getOptionalValue(name, String.class);
            settings = EtcdSettings.from(lookup);
            writePrefix = ConfigSourceSettings.from(lookup).writePrefix();
        } catch (EtcdException e) {
            abd.addDefinitionError(e);
            return;
        }
        boolean useApplicationClient = applicationClient;
        abd.addBean().beanClass(EtcdExtension.class).types(EtcdConnection.class, Object.class).scope(Singleton.class)
                .produceWith(beans -> useApplicationClient
                        ? EtcdConnections.borrow(beans.select(Client.class).get(), settings)
                        : EtcdConnections.acquire(settings))
                .disposeWith((connection, beans) -> ((EtcdConnection) connection).close());
        if (!useApplicationClient) {
            abd.addBean().beanClass(EtcdExtension.class).types(Client.class, Object.class).scope(ApplicationScoped.class)
                    .produceWith(beans -> new ContainerClient(beans.select(EtcdConnection.class).get().client()));
        }
        abd.addBean().beanClass(EtcdExtension.class).types(ConfigStore.class, Object.class).scope(Singleton.class)
                .produceWith(beans -> new ConfigStore(beans.select(EtcdConnection.class).get(), writePrefix));
        LOG.log(Level.INFO, "etcd-microprofile active: {0}, {1}", settings.endpointList(), useApplicationClient
                ? "using the application's own Client bean" : "Client bean provided");
    }

    void fireChangeEvents(@Observes @Initialized(ApplicationScoped.class) Object ignored, BeanManager beans) {
        for (EtcdConfigSource source : EtcdConfigSource.of(ConfigProvider.getConfig())) {
            subscriptions.add(source.addChangeListener(
                    event -> beans.getEvent().select(ConfigChangeEvent.class).fire(event)));
        }
    }

    void closeConfigSources(@Observes BeforeShutdown event) {
        for (AutoCloseable subscription : subscriptions) {
            closeQuietly(subscription);
        }
        subscriptions.clear();
        try {
            EtcdConfigSource.of(ConfigProvider.getConfig()).forEach(EtcdConfigSource::close);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "No config to close etcd config sources of", e);
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
