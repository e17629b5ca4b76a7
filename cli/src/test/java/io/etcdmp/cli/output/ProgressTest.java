package io.etcdmp.cli.output;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The progress line: nothing for quick work, a line on standard error once work passes one second; no colour off a terminal. */
@Tag("unit")
@Timeout(30)
class ProgressTest {
    @Test
    void workOverOneSecondGetsAProgressLineOnStandardErrorAndQuickWorkNone() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Output output = new Output(new PrintWriter(out), new PrintWriter(err), false, false);
        try (Progress quick = output.progress("Quick")) {
            quick.detail("nothing yet");
        }
        try (Progress slow = output.progress("Reading etcd")) {
            slow.detail("10 keys");
            await().atMost(Duration.ofSeconds(10)).until(() -> err.toString().contains("Reading etcd... 1 s, 10 keys"));
        }
        assertThat(err.toString()).doesNotContain("Quick");
        assertThat(out.toString()).isEmpty();
        assertThat(output.red("x")).isEqualTo("x");
    }
}
