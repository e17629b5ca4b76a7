package io.etcdmp.testing;

import jakarta.json.JsonObject;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the local members of an {@link EtcdCluster} are doing, asked through {@code etcdctl endpoint}:
 * health, the agreed leader, and the log tails that explain a wait that timed out. Called only under the
 * cluster's lock.
 */
final class MemberProbes {
    static final int LOG_TAIL_LINES = 40;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    /** Errors that prove the health read went through consensus and was only refused by auth. */
    private static final List<String> AUTH_REFUSALS = List.of(
            "user name is empty", "permission denied", "invalid auth token", "authentication failed",
            "user name not found");

    private final List<EtcdMember> members;
    private final Supplier<Etcdctl> ctl;
    private String lastProbe = "";

    MemberProbes(List<EtcdMember> members, Supplier<Etcdctl> ctl) {
        this.members = members;
        this.ctl = ctl;
    }

    /** Running and not paused. */
    List<EtcdMember> serving() {
        return members.stream().filter(m -> m.isRunning() && !m.isPaused()).toList();
    }

    /** After a start/resume: healthy if a quorum runs, else just accepting connections. */
    void awaitServing(EtcdMember m, Duration timeout) {
        if (serving().size() > members.size() / 2) {
            awaitHealthy(List.of(m), timeout);
        } else {
            Awaits.until(timeout, m.describe() + " to accept connections (no quorum yet, so not healthy)", () -> {
                failIfDied(List.of(m));
                return m.clientPortOpen();
            }, () -> diagnostics(List.of(m)));
        }
    }

    void awaitHealthy(List<EtcdMember> targets, Duration timeout) {
        Awaits.until(timeout, "etcd member(s) " + targets.stream().map(m -> m.name).toList() + " to be healthy",
                () -> healthy(targets), () -> diagnostics(targets));
    }

    /** Waits until every serving member reports the same leader, one of them; returns its index. */
    int awaitLeader(Duration timeout, String cluster) {
        int[] found = {-1};
        Awaits.until(timeout, "a leader agreed on by all running members", () -> {
            found[0] = currentLeader(cluster);
            return found[0] >= 0;
        }, () -> diagnostics(members));
        return found[0];
    }

    private boolean healthy(List<EtcdMember> targets) {
        failIfDied(targets);
        for (EtcdMember m : targets) {
            if (!m.clientPortOpen()) { // etcdctl would wait for its whole timeout on a closed port
                lastProbe = m.describe() + ": client port not open yet";
                return false;
            }
        }
        ProcessRunner.Result r = ctl.get().runRaw(urls(targets), PROBE_TIMEOUT, "endpoint", "health", "-w", "json");
        lastProbe = r.describe();
        Set<String> healthy = new HashSet<>();
        for (JsonObject e : EtcdctlJson.statusEntries(r)) {
            String error = e.getString("error", "");
            if (e.getBoolean("health", false) || AUTH_REFUSALS.stream().anyMatch(error::contains)) {
                healthy.add(e.getString("endpoint", ""));
            }
        }
        return targets.stream().allMatch(m -> healthy.contains(m.clientUrl()));
    }

    private int currentLeader(String cluster) {
        List<EtcdMember> targets = serving();
        if (targets.isEmpty()) {
            throw new IllegalStateException("no member is running (and unpaused): there is no leader in " + cluster);
        }
        failIfDied(targets);
        ProcessRunner.Result r = ctl.get().runRaw(urls(targets), PROBE_TIMEOUT, "endpoint", "status", "-w", "json");
        lastProbe = r.describe();
        Map<String, JsonObject> byEndpoint = EtcdctlJson.statusEntries(r).stream()
                .collect(Collectors.toMap(e -> e.getString("Endpoint", ""), e -> e.getJsonObject("Status"),
                        (a, b) -> a));
        Set<String> leaders = new HashSet<>();
        for (EtcdMember m : targets) {
            JsonObject status = byEndpoint.get(m.clientUrl());
            if (status == null) {
                return -1;
            }
            m.memberId = unsigned(status.getJsonObject("header"), "member_id");
            leaders.add(unsigned(status, "leader"));
        }
        if (leaders.size() != 1 || leaders.contains("0")) {
            return -1;
        }
        String leader = leaders.iterator().next();
        return targets.stream().filter(m -> leader.equals(m.memberId)).mapToInt(m -> m.index).findFirst().orElse(-1);
    }

    /** A uint64 field as decimal text; protobuf's JSON omits zero values, so missing means "0". */
    private static String unsigned(JsonObject object, String field) {
        if (object == null || !object.containsKey(field)) {
            return "0";
        }
        return object.getJsonNumber(field).bigIntegerValue().toString();
    }

    void failIfDied(List<EtcdMember> targets) {
        for (EtcdMember m : targets) {
            if (m.hasDied()) {
                throw new IllegalStateException("etcd " + m.describe() + " exited unexpectedly; log tail:\n"
                        + m.logTail(LOG_TAIL_LINES));
            }
        }
    }

    private String diagnostics(List<EtcdMember> targets) {
        StringBuilder sb = new StringBuilder("last probe: ").append(lastProbe);
        for (EtcdMember m : targets) {
            sb.append("\n---- ").append(m.describe()).append(", log tail:\n").append(m.logTail(LOG_TAIL_LINES));
        }
        return sb.toString();
    }

    static String urls(List<EtcdMember> targets) {
        return targets.stream().map(EtcdMember::clientUrl).collect(Collectors.joining(","));
    }
}
