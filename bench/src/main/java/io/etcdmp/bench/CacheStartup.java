package io.etcdmp.bench;

import io.etcd.jetcd.KV;
import io.etcdmp.config.EtcdConfigSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cold config source → ready for N keys from the cache file with etcd down (its endpoint refuses
 * connections), against a start from etcd of the same N keys, alternating, medians compared. Each side
 * holds the library's shared connection for its settings, so connecting is in neither figure. An endpoint
 * that refuses connections is known down at once (a TCP probe); one that does not answer at all would add
 * the request timeout ({@code etcd.request-timeout}) to the figure.
 */
final class CacheStartup {

    void run(String endpoint, int keys, int rounds, Report report) throws Exception {
        String prefix = "/bench/cache" + keys + "/";
        Path dir = Files.createTempDirectory("etcdmp-bench-cache");
        Path file = dir.resolve("config.cache");
        String dead = "http://127.0.0.1:" + freePort();
        System.setProperty("etcd.config.prefixes", prefix);
        System.setProperty("etcd.config.cache-file", file.toString());
        try (Internals.HeldConnection live = Internals.holdConnection(endpoint);
             Internals.HeldConnection down = Internals.holdConnection(dead)) {
            KV kv = live.client().getKVClient();
            StartupLoad.seed(kv, prefix, keys);
            long[] fromEtcd = new long[rounds];
            long[] fromFile = new long[rounds];
            for (int round = -1; round < rounds; round++) { // round -1 warms up both paths
                System.setProperty("etcd.endpoints", endpoint);
                StartupLoad.usedHeapAfterGc();
                long start = System.nanoTime();
                EtcdConfigSource source = startSource();
                long etcdTime = System.nanoTime() - start;
                check(source, keys, false);
                source.close(); // writes the file
                System.setProperty("etcd.endpoints", dead);
                StartupLoad.usedHeapAfterGc();
                start = System.nanoTime();
                source = startSource();
                long fileTime = System.nanoTime() - start;
                check(source, keys, true);
                source.close();
                if (round >= 0) {
                    fromEtcd[round] = etcdTime;
                    fromFile[round] = fileTime;
                }
            }
            double etcdMs = StartupLoad.median(fromEtcd) / 1e6;
            double fileMs = StartupLoad.median(fromFile) / 1e6;
            String label = keys >= 1000 ? (keys / 1000) + " k" : Integer.toString(keys);
            report.add("start from the cache file with etcd down (endpoint refusing connections), " + label
                            + " keys, cold source → ready (median of " + rounds + ")", Report.ms(fileMs),
                    "start from etcd, same keys " + Report.ms(etcdMs), fileMs / etcdMs, "≤ 2×", fileMs <= 2 * etcdMs);
            report.note(Report.fmt("cache file of %s keys: %.2f MiB; an etcd that drops packets instead of refusing"
                    + " connections adds etcd.request-timeout (5 s by default) to the start from the file", label,
                    Files.size(file) / 1048576.0));
        } finally {
            System.setProperty("etcd.endpoints", endpoint);
            System.clearProperty("etcd.config.cache-file");
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static void check(EtcdConfigSource source, int keys, boolean stale) {
        if (source.getPropertyNames().size() != keys || source.isStale() != stale) {
            throw new IllegalStateException("source holds " + source.getPropertyNames().size() + " properties, stale "
                    + source.isStale() + "; expected " + keys + ", stale " + stale);
        }
    }

    private EtcdConfigSource startSource() {
        return EtcdSources.start();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
