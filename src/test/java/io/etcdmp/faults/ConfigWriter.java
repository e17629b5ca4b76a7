package io.etcdmp.faults;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous writes to the config prefixes through its own jetcd client, one at a time: puts (most)
 * and deletes over a fixed set of keys. A write whose outcome is unknown (timeout, unavailable) is
 * repeated with the same key and value until etcd acknowledges it; puts and deletes are idempotent,
 * so the expected content is exactly the replay of the writes in order ({@link #expected()}).
 * Bounded: stops after {@code maxWrites}, or when one write cannot be acknowledged for 90 s.
 */
final class ConfigWriter implements AutoCloseable {
    private static final Duration OP_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration GIVE_UP = Duration.ofSeconds(90);

    private final Client client;
    private final List<String> prefixes;
    private final int keysPerPrefix;
    private final int maxWrites;
    private final Random random;
    private final Map<String, String> model = new TreeMap<>();
    private final AtomicInteger acked = new AtomicInteger();
    private final AtomicLong longestGapNanos = new AtomicLong();
    private final Thread thread;
    private volatile boolean stop;
    private volatile Throwable failure;

    ConfigWriter(Client client, List<String> prefixes, int keysPerPrefix, int maxWrites, long seed) {
        this.client = client;
        this.prefixes = prefixes;
        this.keysPerPrefix = keysPerPrefix;
        this.maxWrites = maxWrites;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "fault-suite-writer");
        this.thread.setDaemon(true);
    }

    /** What the keys held before the first write (the rig's seeds): the start of {@link #expected()}. */
    void startingFrom(Map<String, String> content) {
        synchronized (model) {
            model.putAll(content);
        }
    }

    void start() {
        thread.start();
    }

    private void run() {
        long lastAck = System.nanoTime();
        try {
            for (int seq = 0; seq < maxWrites && !stop; seq++) {
                String key = prefixes.get(random.nextInt(prefixes.size())) + keyName(random.nextInt(keysPerPrefix));
                boolean delete = random.nextInt(100) < 15;
                String value = delete ? null : "w" + seq;
                long begun = System.nanoTime();
                while (!write(key, value)) { // the same write again, even when asked to stop: its outcome must be known
                    if (System.nanoTime() - begun > GIVE_UP.toNanos()) {
                        throw new IllegalStateException("write " + seq + " to " + key + " not acknowledged within " + GIVE_UP);
                    }
                    Thread.sleep(20); // bounded retry pause of a background writer, not a test wait
                }
                long now = System.nanoTime();
                longestGapNanos.accumulateAndGet(now - lastAck, Math::max);
                lastAck = now;
                synchronized (model) {
                    if (delete) {
                        model.remove(key);
                    } else {
                        model.put(key, value);
                    }
                }
                acked.incrementAndGet();
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Key names include a '/' level and a dot so both spellings of property names are exercised. */
    static String keyName(int i) {
        return i % 3 == 0 ? "dir/k" + i : "k." + i;
    }

    private boolean write(String key, String value) {
        try {
            if (value == null) {
                client.getKVClient().delete(bytes(key)).get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                client.getKVClient().put(bytes(key), bytes(value)).get(OP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    int acked() {
        failIfBroken();
        return acked.get();
    }

    boolean finished() {
        return !thread.isAlive();
    }

    /** The longest time between two acknowledged writes: how long etcd refused writes. */
    Duration longestGap() {
        return Duration.ofNanos(longestGapNanos.get());
    }

    /** Key to value after every acknowledged write, in order. */
    Map<String, String> expected() {
        synchronized (model) {
            return new TreeMap<>(model);
        }
    }

    void failIfBroken() {
        if (failure != null) {
            throw new AssertionError("the writer failed", failure);
        }
    }

    /** Stops after the write in progress is acknowledged (or abandoned) and waits for the thread. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(GIVE_UP.toMillis() + 5000);
        if (thread.isAlive()) {
            throw new IllegalStateException("writer did not stop");
        }
    }

    static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
