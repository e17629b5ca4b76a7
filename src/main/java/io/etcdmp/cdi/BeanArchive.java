package io.etcdmp.cdi;

import jakarta.enterprise.context.Dependent;

/**
 * The one class of the library that CDI discovers: {@code META-INF/beans.xml} says
 * {@code bean-discovery-mode="annotated"}, so that Payara loads only this class of the jar at deployment
 * instead of all 8,700 (relocated transport included: ~3 s of its boot, and a warning for each class that
 * cannot load there), and this class keeps the jar a bean archive, which WildFly needs for the beans the
 * extension adds to be seen by its MicroProfile Health subsystem. Not meant to be injected.
 */
@Dependent
final class BeanArchive {
    BeanArchive() {
    }
}
