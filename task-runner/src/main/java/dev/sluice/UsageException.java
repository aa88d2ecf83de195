package dev.sluice;

/** A command was called with arguments that cannot work (exit 64): fix the command line. */
public class UsageException extends SluiceException {
    public UsageException(String message) {
        super(message);
    }

    @Override
    public Outcome outcome() {
        return Outcome.USAGE;
    }
}
