package io.etcdmp.cli.command;

/** A command that cannot do its job; its message says why and what to do. Exit code 1. */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailure(String message) {
        super(message);
    }
}
