package io.etcdmp.cli.core;

import io.etcd.jetcd.KeyValue;
import io.etcdmp.internal.cli.Layering;
import io.etcdmp.internal.cli.ToolConnection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code etcdmp effective --app <name>}: the properties an application with that {@code mp.app.name} sees from
 * etcd, as its config source computes them (the library's own settings and snapshot code, {@link Layering}),
 * every prefix read at one revision.
 */
public final class EffectiveConfig {
    private EffectiveConfig() {
    }

    public record View(long revision, Layering.Sources sources, Layering.Result result) {
    }

    /** {@code settings}: {@code mp.app.name}, and optionally {@code etcd.config.prefixes}, {@code etcd.config.documents}. */
    public static View of(ToolConnection etcd, Map<String, String> settings) {
        Layering.Sources sources = Layering.sources(settings);
        List<List<KeyValue>> contents = new ArrayList<>();
        long revision = 0;
        for (String prefix : sources.prefixes()) {
            List<KeyValue> all = new ArrayList<>();
            revision = etcd.readPrefix(prefix, revision, all::addAll);
            contents.add(all);
        }
        return new View(revision, sources, Layering.effective(sources, contents));
    }
}
