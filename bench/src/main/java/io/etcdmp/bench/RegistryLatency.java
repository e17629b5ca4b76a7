package io.etcdmp.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcdmp.registry.Registration;
import io.etcdmp.registry.ServiceInstance;
import io.etcdmp.registry.ServiceRegistry;
import io.etcdmp.testing.EtcdCluster;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Registry figures. A registering {@link ServiceRegistry} (its own connection) and a watching one (on
 * an application-made jetcd client with a gRPC interceptor counting every call it starts), plus a raw
 * jetcd watch on the same service prefix as the baseline. Registrations and deregistrations run on a
 * helper thread while this thread polls the watcher's cache and the raw watch's counters, so both
 * sides pay the same polling delay.
 */
final class RegistryLatency {
    static final String SERVICE = "bench-svc";
    private static final String PREFIX = "/services/";
    private static final int TTL_SECONDS = 3;

    private final AtomicLong rpcs = new AtomicLong();
    private volatile int rawPuts;
    private volatile int rawDeletes;

    void run(EtcdCluster etcd, int cycles, int crashes, Path javaCommandClasspath, Report report) throws Exception {
        String endpoint = etcd.endpoint(0);
        Map<String, String> settings = Map.of("etcd.registry.ttl", TTL_SECONDS + "s");
        ExecutorService helper = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-registrant"));
        ByteSequence servicePrefix = ByteSequence.from(PREFIX + SERVICE + "/", StandardCharsets.UTF_8);
        try (Client watcherClient = Client.builder().endpoints(endpoint).interceptor(new CountingInterceptor()).build();
             Client rawClient = Client.builder().endpoints(endpoint).build();
             Watch.Watcher raw = rawClient.getWatchClient().watch(servicePrefix,
                     WatchOption.builder().isPrefix(true).build(), response -> {
                         for (WatchEvent e : response.getEvents()) {
                             if (e.getEventType() == WatchEvent.EventType.PUT) {
                                 rawPuts++;
                             } else if (e.getEventType() == WatchEvent.EventType.DELETE) {
                                 rawDeletes++;
                             }
                         }
                     });
             ServiceRegistry registrant = Internals.registry(endpoint, settings);
             ServiceRegistry watcher = Internals.registryOn(watcherClient, endpoint, settings)) {
            watcher.instances(SERVICE);
            Samples join = new Samples();
            Samples joinRaw = new Samples();
            Samples joinBehindRaw = new Samples(); // per join: watcher's cache updated − raw watch saw the put
            Samples leave = new Samples();
            int warmup = Math.min(20, cycles / 5);
            for (int i = 0; i < cycles + warmup; i++) {
                ServiceInstance instance = ServiceInstance.of(SERVICE, "10.0.0." + (i % 250 + 1), 8000 + i);
                int putsBefore = rawPuts;
                long start = System.nanoTime();
                Future<Registration> registering = helper.submit(() -> registrant.register(instance));
                long[] at = awaitBoth(start, () -> contains(watcher, instance), () -> rawPuts > putsBefore, "join " + i);
                Registration registration = registering.get(10, TimeUnit.SECONDS);
                int deletesBefore = rawDeletes;
                long stop = System.nanoTime();
                helper.submit(registration::close);
                long[] gone = awaitBoth(stop, () -> !contains(watcher, instance), () -> rawDeletes > deletesBefore, "leave " + i);
                if (i >= warmup) {
                    join.add(at[0] - start);
                    joinRaw.add(at[1] - start);
                    joinBehindRaw.add(at[0] - at[1]);
                    leave.add(gone[0] - stop);
                }
            }
            double p99 = join.percentileMillis(99);
            double rawP99 = joinRaw.percentileMillis(99);
            report.add("graceful stop → instance gone for a watcher, p99 (" + leave.size() + " stops)",
                    Report.ms(leave.percentileMillis(99)), "–", Double.NaN, "< 100 ms", leave.percentileMillis(99) < 100);
            report.add("instance join → watcher's cache updated, p99 (" + join.size() + " joins)",
                    Report.ms(p99), "raw jetcd watch " + Report.ms(rawP99), p99 / rawP99, "p99 ≤ 1.2×", p99 <= 1.2 * rawP99);
            double behindP99 = joinBehindRaw.percentileMillis(99);
            report.add("instance join → watcher's cache updated minus the raw watch's sight of the same put, p50 / p99 ("
                            + joinBehindRaw.size() + " joins)", Report.ms(joinBehindRaw.medianMillis()) + " / " + Report.ms(behindP99),
                    "–", Double.NaN, ChangeLatency.behindBar(), ChangeLatency.behindPasses(joinBehindRaw));

            fromCache(etcd, watcher, registrant, report);
            if (crashes > 0) {
                crash(endpoint, watcher, crashes, javaCommandClasspath, report);
            }
        } finally {
            helper.shutdownNow();
        }
    }

    /** list/choose never call etcd: count the gRPC calls started meanwhile, then freeze etcd and ask again. */
    private void fromCache(EtcdCluster etcd, ServiceRegistry watcher, ServiceRegistry registrant, Report report) throws Exception {
        for (int i = 0; i < 3; i++) {
            registrant.register(ServiceInstance.of(SERVICE, "10.0.1." + (i + 1), 9000 + i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (watcher.instances(SERVICE).size() < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the watcher did not see 3 instances");
            }
            Thread.sleep(1);
        }
        int calls = 1_000_000;
        lookups(watcher, 2 * calls); // warm-up: compiled before anything is measured
        long rpcsBefore = rpcs.get();
        double upNanos = Double.MAX_VALUE;
        double pausedNanos = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) { // best of 5 each, alternating, so load spikes hit both alike
            upNanos = Math.min(upNanos, lookups(watcher, calls));
            etcd.pause(0);
            try {
                pausedNanos = Math.min(pausedNanos, lookups(watcher, calls));
            } finally {
                etcd.resume(0);
            }
        }
        long rpcsDuring = rpcs.get() - rpcsBefore;
        report.add("`ServiceRegistry` instances()+choose() from cache (10 × " + calls + " calls, best of 5 each way)",
                Report.fmt("%d gRPC calls; %.0f ns/call with etcd frozen (SIGSTOP)", rpcsDuring, pausedNanos),
                Report.fmt("%.0f ns/call with etcd up", upNanos), pausedNanos / upNanos, "no network call",
                rpcsDuring == 0);
    }

    private static double lookups(ServiceRegistry registry, int calls) {
        int found = 0;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            found += registry.instances(SERVICE).size();
            found += registry.choose(SERVICE).isPresent() ? 1 : 0;
        }
        long elapsed = System.nanoTime() - start;
        if (found != calls * 4) {
            throw new IllegalStateException("lookups found " + found + " instances, expected " + calls * 4);
        }
        return (double) elapsed / calls;
    }

    /** A separate JVM registers an instance with TTL 3 s and is SIGKILLed: no revoke. */
    private static void crash(String endpoint, ServiceRegistry watcher, int crashes,
                              Path classpath, Report report) throws Exception {
        Samples gone = new Samples();
        for (int i = 0; i < crashes; i++) {
            String id = "crash-" + i;
            Process victim = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", classpath.toString(), CrashVictim.class.getName(), endpoint, SERVICE, id,
                    Integer.toString(TTL_SECONDS)))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (watcher.instances(SERVICE).stream().noneMatch(s -> s.instanceId().equals(id))) {
                    if (System.nanoTime() > deadline || !victim.isAlive()) {
                        throw new IllegalStateException("the crash victim did not register " + id);
                    }
                    Thread.sleep(5);
                }
                Thread.sleep(1500); // let it run a while on keep-alives, as a live service does
                long killed = System.nanoTime();
                victim.destroyForcibly();
                deadline = killed + TimeUnit.SECONDS.toNanos(TTL_SECONDS) + TimeUnit.SECONDS.toNanos(10);
                while (watcher.instances(SERVICE).stream().anyMatch(s -> s.instanceId().equals(id))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(id + " still listed 10 s after its TTL");
                    }
                    Thread.sleep(1);
                }
                gone.add(System.nanoTime() - killed);
            } finally {
                victim.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        double ttlMs = TTL_SECONDS * 1000.0;
        double worst = gone.maxMillis();
        report.add("crash (SIGKILL, no revoke) → instance gone, worst of " + gone.size(),
                Report.ms(worst), "TTL " + Report.ms(ttlMs), worst / ttlMs, "≤ TTL + 1 s", worst <= ttlMs + 1000);
    }

    private static boolean contains(ServiceRegistry registry, ServiceInstance instance) {
        for (ServiceInstance s : registry.instances(SERVICE)) {
            if (s.instanceId().equals(instance.instanceId())) {
                return true;
            }
        }
        return false;
    }

    /** Polls both conditions; returns the nano times each was first seen true. */
    private static long[] awaitBoth(long start, BooleanSupplier library, BooleanSupplier raw, String what) {
        long libraryAt = 0;
        long rawAt = 0;
        long deadline = start + TimeUnit.SECONDS.toNanos(10);
        while (libraryAt == 0 || rawAt == 0) {
            long now = System.nanoTime();
            if (rawAt == 0 && raw.getAsBoolean()) {
                rawAt = now;
            }
            if (libraryAt == 0 && library.getAsBoolean()) {
                libraryAt = now;
            }
            if (now > deadline) {
                throw new IllegalStateException(what + " not seen within 10 s (library: " + (libraryAt != 0)
                        + ", raw watch: " + (rawAt != 0) + ")");
            }
            Thread.yield();
        }
        return new long[] {libraryAt, rawAt};
    }

    /** Counts every gRPC call the watcher's client starts (unary gets, watch and lease streams alike). */
    private final class CountingInterceptor implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            rpcs.incrementAndGet();
            return next.newCall(method, options);
        }
    }
}
