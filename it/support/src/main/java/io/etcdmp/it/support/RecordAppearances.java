package io.etcdmp.it.support;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import org.awaitility.Awaitility;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each time a record of the application is created in etcd, what the application answered at that moment: a watch
 * from before the server starts (so no creation is missed) requests {@code GET /api/greeting} the moment it sees one,
 * on a thread of its own. The record must not exist while the application does not serve.
 */
final class RecordAppearances implements AutoCloseable {
    /** A record created under /services/&lt;service&gt;/ and the answer to the request sent when the test saw it. */
    record Appearance(String key, Http.Response answer) {
    }

    private final List<Appearance> appearances = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final ExecutorService requests = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "it-record-appearance");
        t.setDaemon(true);
        return t;
    });
    private final Client client;
    private final Watch.Watcher watch;
    private final String service;

    RecordAppearances(String endpoints, String service, URI greeting) throws Exception {
        this.service = service;
        this.client = Client.builder().endpoints(endpoints.split(",")).build();
        ByteSequence prefix = ByteSequence.from("/services/" + service + "/", StandardCharsets.UTF_8);
        long revision = client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).withCountOnly(true).build())
                .get(30, TimeUnit.SECONDS).getHeader().getRevision();
        this.watch = client.getWatchClient().watch(prefix,
                WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(), response -> {
                    for (WatchEvent event : response.getEvents()) {
                        if (event.getEventType() == WatchEvent.EventType.PUT && event.getKeyValue().getVersion() == 1) {
                            String key = event.getKeyValue().getKey().toString(StandardCharsets.UTF_8);
                            requests.execute(() -> appearances.add(new Appearance(key, Http.get(greeting))));
                        }
                    }
                }, failures::add);
    }

    int count() {
        return appearances.size();
    }

    /** The {@code n}th record created (1 = the first) appeared while the application served (answered 200). */
    void assertAppearedWhileServing(int n, URI greeting) {
        Awaitility.await("record number " + n + " of " + service + " created and the application requested")
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> appearances.size() >= n);
        assertEquals(List.of(), failures, "the watch of the records");
        Appearance appearance = appearances.get(n - 1);
        assertEquals(200, appearance.answer().status(), "the moment " + appearance.key() + " appeared in etcd, "
                + greeting + " answered " + appearance.answer().status() + ": " + appearance.answer().body());
    }

    @Override
    public void close() {
        watch.close();
        requests.shutdownNow();
        client.close();
    }

    @Override
    public String toString() {
        return appearances.toString();
    }
}
