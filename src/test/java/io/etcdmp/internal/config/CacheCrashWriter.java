package io.etcdmp.internal.config;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process that rewrites a cache file as fast as it can (each version a few MB) until it is killed:
 * {@link CacheFileTest} kills it with SIGKILL in the middle of a write and checks what is left.
 */
public final class CacheCrashWriter {
    private CacheCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        for (long round = 1; ; round++) {
            Map<String, String> properties = new HashMap<>();
            for (int i = 0; i < 40_000; i++) {
                properties.put("service-" + (i % 100) + ".setting." + i, "value " + round + " of " + i + " %\n");
            }
            CacheFile.write(file, CacheFile.encode(new CacheFile.Content(round, Instant.now(), "http://127.0.0.1:2379",
                    List.of("/config/application/"), List.of(properties), List.of(Map.of()))));
            System.out.println("WROTE " + round);
        }
    }
}
