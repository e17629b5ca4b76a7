package io.etcdmp.testing;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last line of defence: one JVM shutdown hook that kills etcd processes and deletes temp dirs a test
 * forgot to close.
 */
final class ProcessReaper {

    private static final Set<Process> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reap, "etcd-test-reaper"));
    }

    private ProcessReaper() {
    }

    static void watch(Process process) {
        PROCESSES.add(process);
    }

    static void forget(Process process) {
        PROCESSES.remove(process);
    }

    static void watchDir(Path dir) {
        DIRS.add(dir);
    }

    static void forgetDir(Path dir) {
        DIRS.remove(dir);
    }

    private static void reap() {
        for (Process p : PROCESSES) {
            p.destroyForcibly(); // SIGKILL also ends a SIGSTOPped process
        }
        for (Process p : PROCESSES) {
            try {
                p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }
        DIRS.forEach(FileTrees::deleteRecursively);
    }
}
