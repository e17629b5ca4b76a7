package io.etcdmp.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the etcd server and etcdctl binaries are (internal). */
final class Binaries {

    static final String DEFAULT_ETCD = "/usr/bin/etcd";
    static final String DEFAULT_ETCDCTL = "/usr/bin/etcdctl";
    static final String MODE = "etcdmp.testing.mode";

    private Binaries() {
    }

    /**
     * System property {@code etcd.test.binary}, else {@code etcd.binary}, else env {@code ETCD_BINARY},
     * else /usr/bin/etcd, else an {@code etcd} on the PATH (else /usr/bin/etcd, reported as missing).
     */
    static Path etcd() {
        String explicit = firstSet(System.getProperty("etcd.test.binary"), System.getProperty("etcd.binary"),
                System.getenv("ETCD_BINARY"));
        if (explicit != null) {
            return Path.of(explicit);
        }
        return usable(Path.of(DEFAULT_ETCD)) ? Path.of(DEFAULT_ETCD) : onPath("etcd", Path.of(DEFAULT_ETCD));
    }

    /**
     * System property {@code etcdctl.test.binary}, else env {@code ETCDCTL_BINARY}, else an
     * {@code etcdctl} next to the etcd binary, else /usr/bin/etcdctl.
     */
    static Path etcdctl() {
        String explicit = firstSet(System.getProperty("etcdctl.test.binary"), System.getProperty("etcdctl.binary"),
                System.getenv("ETCDCTL_BINARY"));
        if (explicit != null) {
            return Path.of(explicit);
        }
        Path dir = etcd().toAbsolutePath().getParent();
        if (dir != null && Files.isExecutable(dir.resolve("etcdctl"))) {
            return dir.resolve("etcdctl");
        }
        return usable(Path.of(DEFAULT_ETCDCTL)) ? Path.of(DEFAULT_ETCDCTL) : onPath("etcdctl", Path.of(DEFAULT_ETCDCTL));
    }

    /** The first executable {@code name} in a directory of the PATH, else {@code fallback}. */
    private static Path onPath(String name, Path fallback) {
        String path = System.getenv("PATH");
        if (path == null) {
            return fallback;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, name);
                if (usable(candidate)) {
                    return candidate;
                }
            }
        }
        return fallback;
    }

    static boolean usable(Path binary) {
        return Files.isRegularFile(binary) && Files.isExecutable(binary);
    }

    /**
     * Where etcd runs: system property {@value #MODE} or env {@code ETCDMP_TESTING_MODE}: {@code auto} (the
     * default: the local binary, else a Docker container), {@code local} (the binary; never Docker) or
     * {@code container} (a Docker container even when a binary exists).
     */
    static boolean runInContainer() {
        return switch (mode()) {
            case "container" -> true;
            case "local" -> false;
            default -> !usable(etcd());
        };
    }

    /** Why this etcd runs in a container: what {@link #runInContainer()} decided on. */
    static String whyContainer() {
        return mode().equals("container") ? MODE + "=container" : missingEtcdMessage();
    }

    private static String mode() {
        String mode = firstSet(System.getProperty(MODE), System.getenv("ETCDMP_TESTING_MODE"));
        String m = mode == null ? "auto" : mode.strip().toLowerCase(java.util.Locale.ROOT);
        if (!m.equals("auto") && !m.equals("local") && !m.equals("container")) {
            throw new IllegalStateException("Invalid value '" + mode + "' for " + MODE + " (or ETCDMP_TESTING_MODE):"
                    + " expected auto, local or container");
        }
        return m;
    }

    static String missingEtcdMessage() {
        return "etcd server binary not found at " + etcd() + " nor on the PATH: install etcd (Debian/Ubuntu:"
                + " apt-get install etcd-server etcd-client; elsewhere: https://github.com/etcd-io/etcd/releases),"
                + " put it on the PATH or set -Detcd.binary=/path/to/etcd";
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
