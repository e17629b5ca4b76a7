package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The baseline "what users have today": a config source that asks etcd on every lookup, as the older
 * MicroProfile etcd source does (that one even without a timeout; here 5 s so the run stays bounded).
 */
final class RemoteGetConfigSource implements ConfigSource {
    private final Client client;
    private final String prefix;
    private final int ordinal;

    RemoteGetConfigSource(Client client, String prefix, int ordinal) {
        this.client = client;
        this.prefix = prefix;
        this.ordinal = ordinal;
    }

    @Override
    public String getValue(String propertyName) {
        try {
            GetResponse response = client.getKVClient()
                    .get(ByteSequence.from(prefix + propertyName, StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS);
            return response.getKvs().isEmpty() ? null : response.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IllegalStateException("etcd get of " + prefix + propertyName + " failed", e);
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of();
    }

    @Override
    public int getOrdinal() {
        return ordinal;
    }

    @Override
    public String getName() {
        return "remote-get[" + prefix + "]";
    }
}
