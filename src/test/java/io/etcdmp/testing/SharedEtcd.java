package io.etcdmp.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * One single-member etcd for all tests of a class, started before the first and stopped after the
 * last; before each test the given key prefixes are emptied, so tests do not see each other's keys.
 * Use as {@code @RegisterExtension static final SharedEtcd etcd = new SharedEtcd("/config/");}.
 */
public final class SharedEtcd implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final List<String> emptiedPrefixes;
    private EtcdCluster cluster;

    public SharedEtcd(String... emptiedBeforeEachTest) {
        this.emptiedPrefixes = List.of(emptiedBeforeEachTest);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = EtcdCluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emptiedPrefixes.forEach(prefix -> cluster.ctl().delPrefix(prefix));
    }

    public EtcdCluster cluster() {
        return cluster;
    }

    public String endpoints() {
        return cluster.endpoints();
    }

    public List<String> clientUrls() {
        return cluster.clientUrls();
    }

    public Etcdctl ctl() {
        return cluster.ctl();
    }
}
