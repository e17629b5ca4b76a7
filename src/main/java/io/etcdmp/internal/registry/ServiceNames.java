package io.etcdmp.internal.registry;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcdmp.EtcdMicroprofileException;
import io.etcdmp.internal.client.EtcdCalls;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdFailures;
import io.etcdmp.internal.watch.KeyRanges;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/** The services that have records under a registry prefix ({@code ServiceRegistry.services()}): one read of the keys only. */
final class ServiceNames {
    private ServiceNames() {
    }

    /** The names of the first path segments under {@code prefix} that hold at least one record, sorted. */
    static Set<String> under(EtcdConnection connection, String prefix) {
        ByteSequence root = ByteSequence.from(prefix, StandardCharsets.UTF_8);
        GetOption keysOnly = GetOption.builder().withRange(KeyRanges.prefixEnd(root)).withKeysOnly(true).build();
        Set<String> names = new TreeSet<>();
        try {
            for (KeyValue kv : EtcdCalls.await("range", connection.client().getKVClient().get(root, keysOnly),
                    connection.settings().requestTimeout()).getKvs()) {
                String rest = kv.getKey().substring(root.size()).toString(StandardCharsets.UTF_8);
                int slash = rest.indexOf('/');
                if (slash > 0) {
                    names.add(rest.substring(0, slash));
                }
            }
        } catch (Exception e) {
            throw new EtcdMicroprofileException("Cannot list services under " + prefix + " at "
                    + connection.settings().endpointList() + ": "
                    + EtcdFailures.explain(connection.settings(), "read", prefix, e), e);
        }
        return names;
    }
}
