package io.etcdmp.support;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Watch} driven by the test, with jetcd 0.8's locking where it matters for deadlocks: one lock
 * per watch client, held by {@code watch(...)}, by {@link Watcher#close()} (which calls the listener's
 * {@code onCompleted} under it) and while an error is handed to the listener; events are handed over
 * without it. Each test decides what etcd "sends" and when.
 */
public final class ScriptedWatch implements Watch {
    /** jetcd's {@code WatchImpl.lock}. */
    public final Object lock = new Object();
    private final List<ScriptedWatcher> watchers = new CopyOnWriteArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();

    @Override
    public Watcher watch(ByteSequence key, WatchOption option, Listener listener) {
        synchronized (lock) {
            ScriptedWatcher watcher = new ScriptedWatcher(key, option, listener);
            watchers.add(watcher);
            opened.incrementAndGet();
            return watcher;
        }
    }

    /** The watchers not closed yet, oldest first. */
    public List<ScriptedWatcher> open() {
        return watchers.stream().filter(w -> !w.isClosed()).toList();
    }

    /** The newest open watcher on {@code key}, or null. */
    public ScriptedWatcher openOn(ByteSequence key) {
        List<ScriptedWatcher> on = open().stream().filter(w -> w.key.equals(key)).toList();
        return on.isEmpty() ? null : on.get(on.size() - 1);
    }

    /** How many watches were opened in all. */
    public int openedCount() {
        return opened.get();
    }

    @Override
    public void requestProgress() {
    }

    @Override
    public void close() {
        synchronized (lock) {
            watchers.forEach(ScriptedWatcher::close);
        }
    }

    /** One watch: the test sends its responses and errors. */
    public final class ScriptedWatcher implements Watcher {
        public final ByteSequence key;
        public final WatchOption option;
        private final Listener listener;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger progressRequests = new AtomicInteger();

        ScriptedWatcher(ByteSequence key, WatchOption option, Listener listener) {
            this.key = key;
            this.option = option;
            this.listener = listener;
        }

        /** A response from etcd: handed to the listener without the lock, as jetcd does. */
        public void send(WatchResponse response) {
            if (!closed.get()) {
                listener.onNext(response);
            }
        }

        /**
         * An error, as jetcd's {@code handleError}: with the lock held, runs {@code whileHoldingLock}, then
         * hands the error to the listener; a final error then closes the watcher (which calls {@code onCompleted}).
         */
        public void fail(Throwable error, boolean resumable, Runnable whileHoldingLock) {
            synchronized (lock) {
                if (closed.get()) {
                    return;
                }
                whileHoldingLock.run();
                listener.onError(error);
            }
            if (!resumable) {
                close();
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (closed.compareAndSet(false, true)) {
                    listener.onCompleted();
                }
            }
        }

        @Override
        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public void requestProgress() {
            progressRequests.incrementAndGet();
        }

        public int progressRequests() {
            return progressRequests.get();
        }
    }
}
