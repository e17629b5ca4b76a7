package io.etcdmp.cli.core;

/** A count with its noun for people: "1 key", "2 keys", "0 keys". */
public final class Counted {
    private Counted() {
    }

    public static String of(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
