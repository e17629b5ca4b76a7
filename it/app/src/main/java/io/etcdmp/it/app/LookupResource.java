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
 * in etcd ({@value #ETCD_PROPERTY}) against one of the runtime's in-memory source
 * ({@value #MEMORY_PROPERTY}, in the WAR's {@code META-INF/microprofile-config.properties}), through the
 * runtime's own injected {@link Config}, in this server process. The number of lookups per round is first
 * doubled until a round of both takes about 2 × M ms (runtimes differ by 100× per lookup); then W + R rounds
 * of that many lookups of each property, in one loop for both, the order alternating per round; the first
 * W rounds are warm-up. Answers JSON: the median per-lookup ns of each, their ratio, and where each property
 * was found among the runtime's sources.
 */
@Path("lookups")
@RequestScoped
public class LookupResource {
    static final String ETCD_PROPERTY = "it.lookup.etcd";
    static final String MEMORY_PROPERTY = "it.lookup.memory";
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
        int lookups = calibrate(roundMillis * 1_000_000L);
        long[] etcd = new long[rounds];
        long[] memory = new long[rounds];
        for (int round = -warmup; round < rounds; round++) {
            boolean etcdFirst = (round & 1) == 0;
            long a = loop(etcdFirst ? ETCD_PROPERTY : MEMORY_PROPERTY, lookups);
            long b = loop(etcdFirst ? MEMORY_PROPERTY : ETCD_PROPERTY, lookups);
            if (round >= 0) {
                etcd[round] = etcdFirst ? a : b;
                memory[round] = etcdFirst ? b : a;
            }
        }
        double etcdNs = median(etcd) / (double) lookups;
        double memoryNs = median(memory) / (double) lookups;
        return Json.createObjectBuilder()
                .add("config", config.getClass().getName()).add("java", Runtime.version().toString())
                .add("rounds", rounds).add("lookups", lookups).add("warmup", warmup).add("roundMillis", roundMillis)
                .add("etcdNs", etcdNs).add("memoryNs", memoryNs).add("ratio", etcdNs / memoryNs)
                .add("etcd", where(ETCD_PROPERTY)).add("memory", where(MEMORY_PROPERTY))
                .add("sources", sources())
                .build().toString();
    }

    /** Lookups per round: doubled from 100 until one lookup loop of each property takes {@code nanos} in all, or more. */
    private int calibrate(long nanos) {
        int n = 100;
        while (n < MAX_LOOKUPS && loop(ETCD_PROPERTY, n) + loop(MEMORY_PROPERTY, n) < 2 * nanos) {
            n *= 2;
        }
        return n;
    }

    /** Nanoseconds for {@code n} lookups of {@code name}; one method for both properties, so one compiled loop. */
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
