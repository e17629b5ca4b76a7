package io.etcdmp.cli.console;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcdmp.internal.cli.ToolConnection;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Live updates: ONE etcd watch per root the console shows (config root, registry prefix, change records) for the
 * whole console, however many browsers are open; each change is announced to every open page as a server-sent event {@code change} holding the revision,
 * and the page fetches its live part again. The watch callback only hands the revision to the console's own
 * thread, which writes to the browsers (a browser that does not take an event within 2 s is dropped); a comment
 * every 15 s keeps idle connections open.
 */
final class Live implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Live.class.getName());

    private final ToolConnection etcd;
    private final List<String> roots;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "etcdmp-console-events");
        t.setDaemon(true);
        return t;
    });
    private final Object lock = new Object();
    private final List<Watch.Watcher> watchers = new java.util.ArrayList<>();
    private boolean closed;
    private long pending;
    private boolean scheduled;
    private int failures;

    private record Client(Response response, Callback done) {
    }

    Live(ToolConnection etcd, List<String> roots) {
        this.etcd = etcd;
        this.roots = List.copyOf(new java.util.LinkedHashSet<>(roots));
    }

    /**
     * Watches every root from after the current revision, so a change committed once this returns is announced
     * (a watch from "now" starts when etcd registers it, later than this returns: a change in between was missed).
     * When etcd does not answer, from whenever the watch is registered. A watch that fails before any event resumes
     * from that revision too.
     */
    void start() {
        long from = 0;
        try {
            from = etcd.client().getKVClient().get(ByteSequence.from(roots.get(0), StandardCharsets.UTF_8),
                    io.etcd.jetcd.options.GetOption.builder().withCountOnly(true).build())
                    .get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getHeader().getRevision() + 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Reading etcd's revision to watch from failed; watching from now", e);
        }
        long start = from;
        synchronized (lock) { // a watch failing before any event resumes from here, not from "now"
            pending = Math.max(pending, start - 1);
        }
        roots.forEach(root -> watch(root, start));
        sender.scheduleWithFixedDelay(() -> send(": keep-alive\n\n"), 15, 15, TimeUnit.SECONDS);
    }

    void watch(String root, long fromRevision) {
        WatchOption.Builder option = WatchOption.builder().isPrefix(true);
        if (fromRevision > 0) {
            option.withRevision(fromRevision);
        }
        Watch.Watcher[] self = new Watch.Watcher[1];
        Watch.Watcher w = etcd.client().getWatchClient().watch(ByteSequence.from(root, StandardCharsets.UTF_8),
                option.build(), Watch.listener(this::changed, t -> failed(root, self, t)));
        self[0] = w;
        boolean closedNow;
        synchronized (lock) {
            closedNow = closed;
            if (!closedNow) {
                watchers.add(w);
            }
        }
        if (closedNow) {
            w.close();
        }
    }

    /** On jetcd's thread: never blocks; the sender thread announces the newest revision once. */
    private void changed(WatchResponse response) {
        long revision = response.getEvents().isEmpty() ? 0 : response.getEvents().get(response.getEvents().size() - 1)
                .getKeyValue().getModRevision();
        if (revision == 0) {
            return;
        }
        synchronized (lock) {
            pending = Math.max(pending, revision);
            if (closed || scheduled) {
                return;
            }
            scheduled = true;
        }
        sender.execute(this::announce);
    }

    private void announce() {
        long revision;
        synchronized (lock) {
            scheduled = false;
            revision = pending;
        }
        send("event: change\ndata: {\"revision\":" + revision + "}\n\n");
    }

    /**
     * On jetcd's thread. jetcd reports every interruption here and may resume the watch itself, so the failed watch is
     * always closed and replaced by exactly one new one: from after the newest revision seen, or, when etcd compacted
     * that revision away, from the current one (the pages are told to reload, as changes in between are unknown).
     */
    private void failed(String root, Watch.Watcher[] self, Throwable t) {
        boolean compacted = t instanceof io.etcd.jetcd.common.exception.CompactedException;
        Watch.Watcher old;
        long from;
        synchronized (lock) {
            failures++;
            old = self[0];
            watchers.remove(old);
            if (closed) {
                return;
            }
            from = compacted ? 0 : pending + 1;
        }
        if (old != null) {
            old.close();
        }
        LOG.log(Level.WARNING, "The console's watch of " + root + " failed (" + t.getMessage() + "); watching again"
                + (compacted ? " from the current revision" : ""));
        sender.schedule(() -> {
            watch(root, from > 1 ? from : 0);
            if (compacted) {
                announce();
            }
        }, 1, TimeUnit.SECONDS);
    }

    /** How many times a watch failed (tests). */
    int failures() {
        synchronized (lock) {
            return failures;
        }
    }

    /** The open watches (tests). */
    int watches() {
        synchronized (lock) {
            return watchers.size();
        }
    }

    /** The newest revision seen, or the one before the start revision (tests). */
    long seen() {
        synchronized (lock) {
            return pending;
        }
    }

    /** An SSE stream for one page; the callback completes when the browser goes away or the console stops. */
    void subscribe(Response response, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        Client c = new Client(response, callback);
        synchronized (lock) {
            if (closed) {
                callback.succeeded();
                return;
            }
        }
        sender.execute(() -> {
            clients.add(c);
            write(c, "retry: 1000\n: hello\n\n");
        });
    }

    /** On the sender thread only: one write at a time per response. */
    private void send(String event) {
        for (Client c : clients) {
            write(c, event);
        }
    }

    private void write(Client c, String event) {
        FutureCallback written = new FutureCallback();
        try {
            c.response().write(false, ByteBuffer.wrap(event.getBytes(StandardCharsets.UTF_8)), written);
            written.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            clients.remove(c);
            c.done().failed(e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() != null ? ee.getCause() : e);
        }
    }

    /** How many pages listen (tests). */
    int listeners() {
        return clients.size();
    }

    @Override
    public void close() {
        List<Watch.Watcher> all;
        synchronized (lock) {
            closed = true;
            all = List.copyOf(watchers);
        }
        all.forEach(Watch.Watcher::close);
        sender.execute(() -> {
            clients.forEach(c -> c.done().succeeded());
            clients.clear();
        });
        sender.shutdown();
        try {
            sender.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
