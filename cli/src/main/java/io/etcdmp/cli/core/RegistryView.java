package io.etcdmp.cli.core;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.etcdmp.internal.cli.RegistryRecords;
import io.etcdmp.internal.cli.ToolConnection;
import io.etcdmp.registry.ServiceInstance;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code etcdmp services} and {@code instances}: the registry as the library reads it (every record shape,
 * through its own record reader), with each record's lease time left and the instance's age.
 */
public final class RegistryView {
    private RegistryView() {
    }

    /** A record: the instance it describes, or why it is none; lease TTL left (empty: no lease), age when known. */
    public record Row(String key, Optional<ServiceInstance> instance, Optional<String> problem, long leaseId,
                      Optional<Long> ttlLeftSeconds, Optional<Duration> age, long modRevision) {
    }

    /** A service: how many records, how many instances are UP, how many records do not parse. */
    public record Service(String name, int records, int up, int unreadable) {
    }

    public static List<Service> services(ToolConnection etcd, String root) {
        Map<String, List<Row>> byService = new TreeMap<>();
        for (Row row : rows(etcd, root, false)) {
            String rest = row.key().substring(root.length());
            byService.computeIfAbsent(rest.substring(0, rest.indexOf('/')), s -> new ArrayList<>()).add(row);
        }
        List<Service> out = new ArrayList<>();
        byService.forEach((name, rows) -> out.add(new Service(name, rows.size(),
                (int) rows.stream().filter(r -> r.instance().map(ServiceInstance::isUp).orElse(false)).count(),
                (int) rows.stream().filter(r -> r.instance().isEmpty()).count())));
        return out;
    }

    public static List<Row> instances(ToolConnection etcd, String root, String service) {
        return rows(etcd, root + service + "/", true);
    }

    private static List<Row> rows(ToolConnection etcd, String prefix, boolean leases) {
        List<KeyValue> all = new ArrayList<>();
        etcd.readPrefix(prefix, 0, all::addAll);
        Map<Long, CompletableFuture<LeaseTimeToLiveResponse>> ttl = new HashMap<>();
        if (leases) {
            all.stream().mapToLong(KeyValue::getLease).filter(l -> l != 0).distinct()
                    .forEach(l -> ttl.put(l, etcd.client().getLeaseClient().timeToLive(l, LeaseOption.DEFAULT)));
        }
        Instant now = Instant.now();
        List<Row> out = new ArrayList<>();
        for (KeyValue kv : all) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            String rest = key.substring(prefix.length());
            int slash = key.indexOf('/', prefix.length());
            String service;
            String id;
            if (leases) {
                service = prefix.substring(0, prefix.length() - 1);
                service = service.substring(service.lastIndexOf('/') + 1);
                id = rest;
            } else {
                if (slash < 0) {
                    continue;
                }
                service = key.substring(prefix.length(), slash);
                id = key.substring(slash + 1);
            }
            Optional<ServiceInstance> instance = Optional.empty();
            Optional<String> problem = Optional.empty();
            if (id.isEmpty() || id.contains("/")) {
                problem = Optional.of("not <prefix><service>/<instance-id>");
            } else {
                try {
                    instance = Optional.of(RegistryRecords.parse(service, id, kv.getValue().toString(StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    problem = Optional.of(e.getMessage());
                }
            }
            Optional<Long> left = Optional.empty();
            CompletableFuture<LeaseTimeToLiveResponse> f = ttl.get(kv.getLease());
            if (f != null) {
                try {
                    left = Optional.of(f.get(etcd.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).getTTL());
                } catch (Exception e) {
                    left = Optional.empty();
                }
            }
            Optional<Duration> age = instance.flatMap(ServiceInstance::registeredAt).map(at -> Duration.between(at, now));
            out.add(new Row(key, instance, problem, kv.getLease(), left, age, kv.getModRevision()));
        }
        return out;
    }
}
