package io.etcdmp.cli.console;

import io.etcdmp.cli.console.ConsoleWriteTest.Browser;
import io.etcdmp.internal.cli.SecretNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(300)
class ReviewConsole3Test {
    @BeforeAll
    static void start() throws Exception {
        ConsoleWriteTest.start();
    }

    @AfterAll
    static void stop() {
        ConsoleWriteTest.stop();
    }

    @Test
    void documentParseErrors() {
        for (String[] d : new String[][] {{"app.yaml", "db:\n  password: hunter2-secret\n  url: [unclosed\n"},
                {"app.yaml", "db:\n  password: \"hunter2-secret\n"},
                {"app.json", "{\"db\": {\"password\": \"hunter2-secret\", }"},
                {"app.properties", "db.password=hunter2-secret\\u12"}}) {
            io.etcdmp.internal.cli.PropertyRules.Parsed p = io.etcdmp.internal.cli.PropertyRules.parseDocument(d[0],
                    d[1].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("REVIEW parse " + d[0] + " ok=" + p.ok() + " -> " + p);
        }
    }

}
