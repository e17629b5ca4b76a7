package io.etcdmp.cli.core;

import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.cli.PropertyRules;
import io.etcdmp.internal.cli.ToolConnection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

/** The keys (in no order) under some prefixes, read at one revision (paginated, the revision pinned: the library's reader). */
public record EtcdState(long revision, Map<String, Current> keys, List<String> notUtf8Keys) {
    /** A key's value and the revision that wrote it. */
    public record Current(byte[] value, long modRevision) {
    }

    /** Reads every key under {@code prefixes} (nested ones once) at one revision. */
    public static EtcdState read(ToolConnection etcd, List<String> prefixes) {
        Map<String, Current> keys = new HashMap<>();
        List<String> bad = new ArrayList<>();
        long revision = 0;
        for (String prefix : outermost(prefixes)) {
            revision = etcd.readPrefix(prefix, revision, page -> {
                for (KeyValue kv : page) {
                    byte[] key = kv.getKey().getBytes();
                    if (!PropertyRules.isUtf8(key)) {
                        bad.add(kv.getKey().toString(StandardCharsets.ISO_8859_1));
                        continue;
                    }
                    keys.put(new String(key, StandardCharsets.UTF_8), new Current(kv.getValue().getBytes(), kv.getModRevision()));
                }
            });
        }
        return new EtcdState(revision, keys, bad);
    }

    /** The prefixes no other one of the list contains. */
    static List<String> outermost(List<String> prefixes) {
        List<String> out = new ArrayList<>();
        for (String p : prefixes) {
            if (prefixes.stream().noneMatch(o -> !o.equals(p) && p.startsWith(o)) && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }
}
