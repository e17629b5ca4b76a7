package io.etcdmp.internal.config;

import java.util.Set;

/**
 * Whether this call runs inside a Quarkus build ({@code mvn package}, {@code quarkus:build}): Quarkus
 * builds a {@code Config} with every discovered config source while it augments the application, and
 * the etcd source must not contact etcd then (etcd may be unreachable from the build machine, and values
 * read then would be baked into nothing). Seen by the caller's stack: the build reads its configuration in
 * {@code io.quarkus.deployment} classes, which a built application ({@code quarkus-run.jar}) does not
 * contain; in dev mode the application's own start runs from the generated
 * {@code io.quarkus.runner.ApplicationImpl} / {@code io.quarkus.runtime.generated} classes, which a build never calls.
 */
final class QuarkusBuild {
    private static final String BUILD_PACKAGE = "io.quarkus.deployment.";
    /** The generated classes that start a built application (the build itself runs io.quarkus.runner.bootstrap). */
    private static final Set<String> RUNTIME_PREFIXES = Set.of("io.quarkus.runner.ApplicationImpl", "io.quarkus.runtime.generated.");

    private QuarkusBuild() {
    }

    static boolean isRunning() {
        return StackWalker.getInstance().walk(frames -> {
            boolean[] seen = new boolean[2];
            frames.map(StackWalker.StackFrame::getClassName).forEach(name -> {
                if (name.startsWith(BUILD_PACKAGE)) {
                    seen[0] = true;
                }
                if (RUNTIME_PREFIXES.stream().anyMatch(name::startsWith)) {
                    seen[1] = true;
                }
            });
            return seen[0] && !seen[1];
        });
    }
}
