package io.etcdmp.cli.command;

import io.etcdmp.internal.cli.SecretNames;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code --output} and {@code --mask}, shared by the commands that show values. */
public final class OutputOptions {
    enum Format { human, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "human",
            description = "human (default) or json (one JSON document on standard output, for scripts)")
    Format format = Format.human;

    @Option(names = "--mask", paramLabel = "WORDS", split = ",",
            defaultValue = "password,secret,token,credential,key",
            description = "name parts whose values are masked (default: ${DEFAULT-VALUE}); --mask= (empty) masks nothing")
    List<String> mask = SecretNames.DEFAULT_WORDS;

    boolean json() {
        return format == Format.json;
    }

    SecretNames secrets() {
        return new SecretNames(mask == null ? List.of() : mask);
    }
}
