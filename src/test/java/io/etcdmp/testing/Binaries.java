package io.etcdmp.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the etcd server and etcdctl binaries are. */
final class Binaries {

    static final String DEFAULT_ETCD = "/usr/bin/etcd";
    static final String DEFAULT_ETCDCTL = "/usr/bin/etcdctl";

    private Binaries() {
    }

    /** System property {@code etcd.test.binary}, else env {@code ETCD_BINARY}, else /usr/bin/etcd. */
    static Path etcd() {
        return Path.of(firstSet(System.getProperty("etcd.test.binary"), System.getenv("ETCD_BINARY"), DEFAULT_ETCD));
    }

    /**
     * System property {@code etcdctl.test.binary}, else env {@code ETCDCTL_BINARY}, else an
     * {@code etcdctl} next to the etcd binary, else /usr/bin/etcdctl.
     */
    static Path etcdctl() {
        String explicit = firstSet(System.getProperty("etcdctl.test.binary"), System.getenv("ETCDCTL_BINARY"), null);
        if (explicit != null) {
            return Path.of(explicit);
        }
        Path dir = etcd().toAbsolutePath().getParent();
        if (dir != null && Files.isExecutable(dir.resolve("etcdctl"))) {
            return dir.resolve("etcdctl");
        }
        return Path.of(DEFAULT_ETCDCTL);
    }

    static boolean usable(Path binary) {
        return Files.isRegularFile(binary) && Files.isExecutable(binary);
    }

    static String missingEtcdMessage() {
        return "etcd server binary not found at " + etcd()
                + ": install it (apt-get install etcd-server) or set -Detcd.test.binary=/path/to/etcd";
    }

    private static String firstSet(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        if (b != null && !b.isBlank()) {
            return b;
        }
        return fallback;
    }
}
