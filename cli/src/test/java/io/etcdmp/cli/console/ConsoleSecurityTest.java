package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static io.etcdmp.cli.console.ConsoleWriteTest.console;
import static io.etcdmp.cli.console.ConsoleWriteTest.root;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's defences against other sites and other users (on the etcd with authentication of
 * {@link ConsoleWriteTest}): DNS rebinding (the Host header), reads in {@code --write} mode as the logged-in user
 * only, masked secrets inside documents.
 */
@Timeout(180)
class ConsoleSecurityTest {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    /** One HTTP/1.1 exchange with exactly the given request text (a browser after DNS rebinding sends its own Host). */
    static String raw(String request) throws Exception {
        URI u = URI.create(console.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream o = s.getOutputStream();
            o.write(request.getBytes(StandardCharsets.UTF_8));
            o.flush();
            s.setSoTimeout(20_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b); // Connection: close
            return b.toString(StandardCharsets.UTF_8);
        }
    }

    static int port() {
        return URI.create(console.url()).getPort();
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedSoDnsRebindingReadsAndWritesNothing() throws Exception {
        root.put("/config/orders/rebound", "only-for-this-machine");
        String get = raw("GET /?prefix=/config/orders/ HTTP/1.1\r\nHost: evil.example:" + port() + "\r\nConnection: close\r\n\r\n");
        assertThat(get.lines().findFirst().orElse("")).contains(" 421 ");
        assertThat(get).doesNotContain("only-for-this-machine");
        String body = "user=alice&password=alice-pw";
        String post = raw("POST /login HTTP/1.1\r\nHost: evil.example:" + port() + "\r\nOrigin: http://evil.example:" + port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(post.lines().findFirst().orElse("")).contains(" 421 ");
        assertThat(post).doesNotContain("Set-Cookie");
        String events = raw("GET /events HTTP/1.1\r\nHost: evil.example:" + port() + "\r\nConnection: close\r\n\r\n");
        assertThat(events.lines().findFirst().orElse("")).contains(" 421 ");
        String otherPort = raw("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + (port() + 1) + "\r\nConnection: close\r\n\r\n");
        assertThat(otherPort.lines().findFirst().orElse("")).contains(" 421 ");
    }

    @Test
    void theLoopbackNamesAndTheBoundAddressAreServedAndAnOriginOutsideThemIsRefused() throws Exception {
        for (String host : new String[] {"127.0.0.1", "localhost", "[::1]"}) {
            String ok = raw("GET /login HTTP/1.1\r\nHost: " + host + ":" + port() + "\r\nConnection: close\r\n\r\n");
            assertThat(ok.lines().findFirst().orElse("")).as(host).contains(" 200 ");
        }
        String body = "user=alice&password=alice-pw";
        String post = raw("POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nOrigin: http://evil.example:" + port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(post.lines().findFirst().orElse("")).contains(" 403 ");
        assertThat(post).doesNotContain("Set-Cookie: etcdmp");
        String fromLocalhost = raw("POST /login HTTP/1.1\r\nHost: 127.0.0.1:" + port() + "\r\nOrigin: http://localhost:" + port()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(fromLocalhost.lines().findFirst().orElse("")).contains(" 303 ");
        assertThat(new Browser(console).login("alice", "alice-pw").csrf).isNotEmpty();
    }
}
