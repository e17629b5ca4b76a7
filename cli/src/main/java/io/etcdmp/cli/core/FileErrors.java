package io.etcdmp.cli.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words for the tool's messages: {@code NoSuchFileException}'s message is the
 * bare path, and {@code UncheckedIOException(e)}'s is the cause's class name and message.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** Why {@code e} happened, without the class name: "no such file", "permission denied", or its own reason. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "the folder is not empty";
        }
        if (e instanceof FileSystemLoopException) {
            return "a link loop";
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : "cannot be used";
        }
        return e.getMessage() != null ? e.getMessage() : "an I/O error";
    }

    /** {@code e} as a sentence naming the file where one is known: "/x/y: no such file". */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason(e);
        }
        return reason(e);
    }

    /** The message of {@code e}: its own, or the description of its cause when it only repeats the cause's class and message. */
    public static String message(UncheckedIOException e) {
        IOException cause = e.getCause();
        return cause != null && String.valueOf(cause).equals(e.getMessage()) ? describe(cause) : e.getMessage();
    }
}
