package io.etcdmp.cli.core;

import io.etcdmp.cli.core.FolderLayout.Folder;
import io.etcdmp.internal.cli.ToolConnection;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A plan of a folder, the way {@code plan} and {@code apply} make it: the folder's prefixes are found first (no
 * file read), etcd is read at one revision while the files are parsed and validated, then the two are compared.
 * The reading of etcd (network) and of the files (CPU) overlap, so a plan costs about the longer of the two.
 */
public final class Planning {
    private Planning() {
    }

    /** The folder, its validation, and the plan when the folder is valid (empty otherwise: nothing compared). */
    public record Result(Folder folder, Validation.Report report, Optional<Plan> plan, List<String> notUtf8Keys) {
    }

    /** {@code only}: the prefixes to plan (all of the folder when empty). */
    public static Result plan(ToolConnection etcd, Path dir, List<String> only, boolean prune) {
        List<String> prefixes = only.isEmpty() ? FolderLayout.prefixes(dir) : only;
        CompletableFuture<EtcdState> reading = prefixes.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> EtcdState.read(etcd, prefixes));
        Folder folder = FolderLayout.read(dir).restrict(only);
        Validation.Report report = Validation.check(folder);
        if (!report.ok() || folder.prefixes().isEmpty()) {
            reading.cancel(false);
            return new Result(folder, report, Optional.empty(), List.of());
        }
        EtcdState state;
        try {
            state = reading.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return new Result(folder, report, Optional.of(Planner.plan(folder, state, prune)), state.notUtf8Keys());
    }
}
