package io.etcdmp.cli.command;

import io.etcdmp.internal.cli.Encryption;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where the encryption keys come from: these flags first, then the library's settings (system properties, the
 * environment, {@code microprofile-config.properties}). A key is never an option's value: only files.
 */
public final class KeyOptions {
    @Option(names = "--encryption-key-file", paramLabel = "FILE",
            description = "the key, a file only its owner may read (etcd.config.encryption-key-file; or the environment "
                    + "variable SMALLRYE_CONFIG_SECRET_HANDLER_AES_GCM_NOPADDING_ENCRYPTION_KEY)")
    Path keyFile;

    @Option(names = "--encryption-key-decode", description = "the keys are base64url (smallrye.config.secret-handler."
            + "aes-gcm-nopadding.encryption-key-decode)")
    boolean decode;

    @Option(names = "--previous-encryption-key-file", paramLabel = "FILE",
            description = "an earlier key, tried after the current one (repeat; etcd.config.previous-encryption-keys)")
    List<Path> previous;

    Encryption open() {
        Map<String, String> flags = new HashMap<>();
        if (keyFile != null) {
            flags.put(Encryption.KEY_FILE, keyFile.toString());
        }
        if (decode) {
            flags.put(Encryption.DECODE, "true");
        }
        if (previous != null && previous.stream().anyMatch(p -> p.toString().contains(","))) {
            throw new CommandFailure("--previous-encryption-key-file: a path with a comma cannot be given (the files are"
                    + " passed on as the comma-separated etcd.config.previous-encryption-keys); rename or link the file");
        }
        if (previous != null && !previous.isEmpty()) {
            flags.put(Encryption.PREVIOUS, previous.stream().map(p -> "file:" + p).collect(Collectors.joining(",")));
        }
        return Encryption.from(flags);
    }
}
