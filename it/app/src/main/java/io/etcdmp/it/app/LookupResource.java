package io.etcdmp.it.app;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Arrays;

/**
 * {@code GET /api/lookups?rounds=R&warmup=W&round-ms=M}: times {@code Config.getValue} of a property held
 * in etcd ({@value #ETCD_PROPERTY}) against properties of the runtime's in-memory sources, through the
 * runtime's own injected {@link Config}, in this server process: {@value #MEMORY_PROPERTY} in the WAR's
 * {@code META-INF/microprofile-config.properties} (ordinal 100: consulted after etcd's 270) and
 * {@value #ABOVE_PROPERTY} in it-app.jar's (ordinal 280: consulted just before etcd). A runtime spends
 * something on every source it consults, so the first baseline favours etcd and the second favours the
 * in-memory source. The number of lookups per loop is doubled until a loop of each takes about M ms
 * (runtimes differ by 1000× per lookup), first on cold code, then during the warm-up rounds; then W + R
 * rounds of that many lookups of each property, in one loop for all, the order reversed every other round;
 * the first W rounds are warm-up. Answers JSON: the median per-lookup ns of each, the ratios, and where
 * each property was found among the runtime's sources.
 */
@Path("lookups")
@RequestScoped
public class LookupResource {
    static final String ETCD_PROPERTY = "it.lookup.etcd";
    static final String MEMORY_PROPERTY = "it.lookup.memory";
    static final String ABOVE_PROPERTY = "it.lookup.above";
    private static final java.util.List<String> PROPERTIES = java.util.List.of(ETCD_PROPERTY, MEMORY_PROPERTY, ABOVE_PROPERTY);
    private static final int MAX_LOOKUPS = 1 << 24;

    @Inject
    Config config;

    /** Defeats dead-code elimination of the lookups. */
    private static volatile int sink;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String measure(@QueryParam("rounds") @DefaultValue("21") int rounds,
                          @QueryParam("warmup") @DefaultValue("10") int warmup,
                          @QueryParam("round-ms") @DefaultValue("20") int roundMillis) {
        if (rounds < 1 || warmup < 0 || roundMillis < 1) {
            throw new jakarta.ws.rs.BadRequestException("rounds and round-ms must be at least 1, warmup at least 0");
        }
        long target = roundMillis * 1_000_000L;
        int lookups = calibrate(target);
        long[][] times = new long[PROPERTIES.size()][rounds];
        for (int round = -warmup; round < rounds; round++) {
            long all = 0;
            for (int k = 0; k < PROPERTIES.size(); k++) {
                int p = (round & 1) == 0 ? k : PROPERTIES.size() - 1 - k;
                long took = loop(PROPERTIES.get(p), lookups);
                all += took;
                if (round >= 0) {
                    times[p][round] = took;
                }
            }
            // the calibration ran on cold code: while warming up, loops that got faster get more lookups
            if (round < -1 && all < PROPERTIES.size() * target && lookups < MAX_LOOKUPS) {
                lookups *= 2;
            }
        }
        double etcdNs = median(times[0]) / (double) lookups;
        double memoryNs = median(times[1]) / (double) lookups;
        double aboveNs = median(times[2]) / (double) lookups;
        return Json.createObjectBuilder()
                .add("config", config.getClass().getName()).add("java", Runtime.version().toString())
                .add("rounds", rounds).add("lookups", lookups).add("warmup", warmup).add("roundMillis", roundMillis)
                .add("etcdNs", etcdNs).add("memoryNs", memoryNs).add("aboveNs", aboveNs)
                .add("ratio", etcdNs / memoryNs).add("ratioAbove", etcdNs / aboveNs)
                .add("etcd", where(ETCD_PROPERTY)).add("memory", where(MEMORY_PROPERTY)).add("above", where(ABOVE_PROPERTY))
                .add("sources", sources())
                .build().toString();
    }

    /** Lookups per round: doubled from 100 until one loop of each property takes {@code nanos} on average, or more. */
    private int calibrate(long nanos) {
        int n = 100;
        while (n < MAX_LOOKUPS) {
            long all = 0;
            for (String property : PROPERTIES) {
                all += loop(property, n);
            }
            if (all >= PROPERTIES.size() * nanos) {
                break;
            }
            n *= 2;
        }
        return n;
    }

    /** Nanoseconds for {@code n} lookups of {@code name}; one method for all properties, so one compiled loop. */
    private long loop(String name, int n) {
        int h = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            h += config.getValue(name, String.class).length();
        }
        long took = System.nanoTime() - start;
        sink += h;
        return took;
    }

    private JsonObjectBuilder where(String name) {
        ConfigValue value = config.getConfigValue(name);
        JsonObjectBuilder found = Json.createObjectBuilder().add("property", name);
        if (value.getValue() == null) {
            return found.addNull("source");
        }
        return found.add("value", value.getValue()).add("source", String.valueOf(value.getSourceName()))
                .add("ordinal", value.getSourceOrdinal());
    }

    /** The sources in the order the runtime consults them: name, ordinal, class. */
    private JsonArrayBuilder sources() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (ConfigSource source : config.getConfigSources()) {
            all.add(Json.createObjectBuilder().add("name", String.valueOf(source.getName()))
                    .add("ordinal", source.getOrdinal()).add("class", source.getClass().getName()));
        }
        return all;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
