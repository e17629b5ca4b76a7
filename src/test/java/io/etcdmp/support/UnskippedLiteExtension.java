package io.etcdmp.support;

import io.etcd.jetcd.Client;
import io.etcdmp.config.ConfigChangeEvent;
import io.etcdmp.internal.cdi.EtcdLiteExtension;
import jakarta.enterprise.inject.build.compatible.spi.BeanInfo;
import jakarta.enterprise.inject.build.compatible.spi.Discovery;
import jakarta.enterprise.inject.build.compatible.spi.Messages;
import jakarta.enterprise.inject.build.compatible.spi.ObserverInfo;
import jakarta.enterprise.inject.build.compatible.spi.Registration;
import jakarta.enterprise.inject.build.compatible.spi.ScannedClasses;
import jakarta.enterprise.inject.build.compatible.spi.Synthesis;
import jakarta.enterprise.inject.build.compatible.spi.SyntheticComponents;

/**
 * The library's build compatible extension as a CDI Lite container (Quarkus) runs it, for Weld SE tests. Weld, a
 * full CDI container, skips every extension that carries {@code @SkipIfPortableExtensionPresent} whether or not
 * the named portable extension is there (the annotation is not inherited), and looks for extension methods among
 * the class's own declared methods only: hence this subclass, whose methods call the library's.
 */
public class UnskippedLiteExtension extends EtcdLiteExtension {
    @Override
    @Discovery
    public void addHealthCheck(ScannedClasses classes) {
        super.addHealthCheck(classes);
    }

    @Override
    @Registration(types = Client.class)
    public void findApplicationClient(BeanInfo bean) {
        super.findApplicationClient(bean);
    }

    @Override
    @Registration(types = ConfigChangeEvent.class)
    public void refuseNarrowedConfigObservers(ObserverInfo observer, Messages messages) {
        super.refuseNarrowedConfigObservers(observer, messages);
    }

    @Override
    @Synthesis
    public void registerBeans(SyntheticComponents components) {
        super.registerBeans(components);
    }
}
