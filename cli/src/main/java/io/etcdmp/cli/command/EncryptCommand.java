package io.etcdmp.cli.command;

import io.etcdmp.cli.core.FileErrors;
import io.etcdmp.internal.cli.Encryption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code etcdmp encrypt}: a value from standard input or a file, printed as {@code ${aes-gcm-nopadding::...}}. */
@Command(name = "encrypt", mixinStandardHelpOptions = true, // $${...}: picocli would expand ${...} (to null)
        description = {"Encrypts a value read from standard input (or --file; never from the command line) with the "
                + "current key and prints it as $${aes-gcm-nopadding::...}, the form SmallRye Config's handler and the "
                + "etcd config source decrypt. One trailing line break of the input is dropped. docs/SECRETS.md",
                "Exit code: 0 printed, 1 error (no key, empty value)."})
final class EncryptCommand implements Callable<Integer> {
    /** At most this much is read: etcd refuses values over ~1.5 MiB anyway. */
    private static final int MAX_BYTES = 1024 * 1024;

    @Mixin
    KeyOptions keys;

    @Option(names = "--file", paramLabel = "FILE", description = "read the value from this file instead of standard input")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Encryption encryption = keys.open();
        String value = read();
        if (value.endsWith("\r\n")) {
            value = value.substring(0, value.length() - 2);
        } else if (value.endsWith("\n")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty()) {
            throw new CommandFailure("Nothing to encrypt: the value from " + (file != null ? file : "standard input") + " is empty");
        }
        spec.commandLine().getOut().println(encryption.encrypt(value));
        return 0;
    }

    private String read() {
        try (InputStream in = file != null ? Files.newInputStream(file) : nonClosing(System.in)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new CommandFailure("The value is over " + MAX_BYTES + " bytes: etcd would refuse it");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + (file != null ? file : "standard input") + ": "
                    + FileErrors.reason(e), e);
        }
    }

    private static InputStream nonClosing(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
    }
}
