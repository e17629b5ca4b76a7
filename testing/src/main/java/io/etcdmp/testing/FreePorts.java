package io.etcdmp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Picks currently free TCP ports on 127.0.0.1 (a clash is still possible: callers retry). */
final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct ports that were free a moment ago. */
    static int[] pick(int count) {
        Set<Integer> seen = new HashSet<>();
        int[] ports = new int[count];
        int i = 0;
        while (i < count) {
            int port = one();
            if (seen.add(port)) {
                ports[i++] = port;
            }
        }
        return ports;
    }

    private static int one() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot pick a free loopback port", e);
        }
    }
}
