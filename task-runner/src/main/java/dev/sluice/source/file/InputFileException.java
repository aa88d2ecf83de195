package dev.sluice.source.file;

import dev.sluice.Outcome;
import dev.sluice.SluiceException;

/**
 * A {@code type: file} source's file cannot serve this partition: it is missing, not a regular
 * file, unreadable, has a header the spec does not fit, or changed since the partition's committed
 * position was read from it. Retrying the same run cannot help (exit 78); the message names
 * {@code source.path} with its file:line and says how to go on.
 */
public class InputFileException extends SluiceException {
    public InputFileException(String message) {
        super(message);
    }

    @Override
    public Outcome outcome() {
        return Outcome.CONFIG;
    }
}
