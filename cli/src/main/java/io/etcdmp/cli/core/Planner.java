package io.etcdmp.cli.core;

import io.etcdmp.cli.core.FolderLayout.Entry;
import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.cli.core.Plan.Change;
import io.etcdmp.cli.core.Plan.Op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Compares a folder with etcd: keys added, changed (by content, byte for byte), deleted (with prune), unchanged. */
public final class Planner {
    private Planner() {
    }

    public static Plan plan(Folder folder, EtcdState etcd, boolean prune) {
        List<Change> changes = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        int unchanged = 0;
        for (Entry e : folder.keys().values()) {
            EtcdState.Current now = etcd.keys().get(e.key());
            if (now == null) {
                changes.add(new Change(Op.ADD, e.key(), null, e.value(), 0, e.document()));
            } else if (!Arrays.equals(now.value(), e.value())) {
                changes.add(new Change(Op.CHANGE, e.key(), now.value(), e.value(), now.modRevision(), e.document()));
            } else {
                unchanged++;
            }
        }
        for (Map.Entry<String, EtcdState.Current> k : etcd.keys().entrySet()) {
            String key = k.getKey();
            if (folder.keys().containsKey(key) || folder.prefixes().stream().noneMatch(key::startsWith)) {
                continue;
            }
            if (prune) {
                changes.add(new Change(Op.DELETE, key, k.getValue().value(), null, k.getValue().modRevision(),
                        io.etcdmp.internal.cli.PropertyRules.isDocumentName(key.substring(key.lastIndexOf('/') + 1))));
            } else {
                kept.add(key);
            }
        }
        changes.sort((a, b) -> a.key().compareTo(b.key()));
        kept.sort(null);
        return new Plan(etcd.revision(), folder.root().toAbsolutePath().toString(), folder.prefixes(), prune,
                List.copyOf(changes), unchanged, List.copyOf(kept));
    }
}
