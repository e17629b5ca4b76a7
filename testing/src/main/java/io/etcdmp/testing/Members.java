package io.etcdmp.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The members of an {@link EtcdCluster}, wherever they run: local processes ({@link LocalMembers}) or one
 * member in a Docker container ({@link ContainerEtcd}). The cluster checks the member index and that it
 * is open, and calls these under its lock; each operation returns once the member is in the state asked
 * for, as {@link EtcdCluster} documents.
 */
interface Members {
    List<String> clientUrls();

    Etcdctl ctl();

    boolean isRunning(int i);

    Path logFile(int i);

    void stop(int i);

    void kill(int i);

    void start(int i);

    void pause(int i);

    void resume(int i);

    void stopAll();

    void startAll();

    int leader();

    void awaitHealthy(Duration timeout);

    /** Whether a member is stopped or paused (what {@link #startAll()} would repair). */
    boolean needsRepair();

    /** What they are, for {@link EtcdCluster#toString()}. */
    String describe();

    /** Stops every member and frees what they held (temp dir, container). */
    void close();
}
