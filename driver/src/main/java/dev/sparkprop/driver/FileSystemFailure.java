package dev.sparkprop.driver;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A file system's failure to read or write a path the user named (a full disk, a lost
 * permission, an unreachable store): the machine's problem, not a bug, so the CLI prints its
 * message, which names the path, as one line. Other {@link UncheckedIOException}s keep their trace.
 */
public final class FileSystemFailure extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    /** @param what what failed, naming the path, e.g. "cannot save the model to /x" */
    public FileSystemFailure(String what, IOException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
