package io.etcdmp.internal.cdi;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Cluster;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.Watch;

import java.lang.System.Logger.Level;

/**
 * The {@code Client} bean: the shared jetcd client, owned by the container. {@link #close()} does
 * nothing (other beans and the config source share the client); the container closes it at shutdown.
 */
public final class ContainerClient implements Client {
    private static final System.Logger LOG = System.getLogger(ContainerClient.class.getName());
    private final Client delegate;

    public ContainerClient(Client delegate) {
        this.delegate = delegate;
    }

    @Override
    public Auth getAuthClient() {
        return delegate.getAuthClient();
    }

    @Override
    public KV getKVClient() {
        return delegate.getKVClient();
    }

    @Override
    public Cluster getClusterClient() {
        return delegate.getClusterClient();
    }

    @Override
    public Maintenance getMaintenanceClient() {
        return delegate.getMaintenanceClient();
    }

    @Override
    public Lease getLeaseClient() {
        return delegate.getLeaseClient();
    }

    @Override
    public Watch getWatchClient() {
        return delegate.getWatchClient();
    }

    @Override
    public Lock getLockClient() {
        return delegate.getLockClient();
    }

    @Override
    public Election getElectionClient() {
        return delegate.getElectionClient();
    }

    @Override
    public void close() {
        LOG.log(Level.DEBUG, "close() on the injected etcd Client ignored: the container closes it at shutdown");
    }

    @Override
    public String toString() {
        return "etcd Client (container-managed)";
    }
}
