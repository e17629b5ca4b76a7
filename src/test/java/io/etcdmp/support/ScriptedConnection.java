package io.etcdmp.support;

import io.etcd.jetcd.Client;
import io.etcdmp.internal.client.EtcdConnection;
import io.etcdmp.internal.client.EtcdConnections;
import io.etcdmp.internal.client.EtcdSettings;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A library connection ({@code EtcdConnections.borrow}) over a {@link ScriptedClient}: the library's own
 * timer, event and worker threads, a real etcd underneath, and the scripted parts the test chose.
 * Closing it closes the connection, then the client, as the library's own connection does.
 */
public final class ScriptedConnection implements AutoCloseable {
    public final Client real;
    public final EtcdConnection connection;
    public final EtcdSettings settings;

    private ScriptedConnection(List<String> endpoints, UnaryOperator<ScriptedClient> script, String... more) {
        Map<String, String> map = new HashMap<>();
        map.put("etcd.endpoints", String.join(",", endpoints));
        for (int i = 0; i + 1 < more.length; i += 2) {
            map.put(more[i], more[i + 1]);
        }
        this.settings = EtcdSettings.from(name -> Optional.ofNullable(map.get(name)));
        this.real = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
        this.connection = EtcdConnections.borrow(script.apply(ScriptedClient.over(real)).build(), settings);
    }

    /** @param more further library settings, as name/value pairs */
    public static ScriptedConnection open(List<String> endpoints, UnaryOperator<ScriptedClient> script, String... more) {
        return new ScriptedConnection(endpoints, script, more);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } finally {
            real.close();
        }
    }
}
