package dev.sluice.sink;

import java.util.Optional;

/** A validated sink configuration, ready to open at run time. */
public interface SinkDefinition {
    /** Opens the sink for one run of a job. */
    Sink open(String job);

    /** A one-line description, for logs and {@code sluice validate}. */
    String describe();

    /** The table the sink writes, when it writes one in the Sluice database (for status and checks). */
    default Optional<String> table() {
        return Optional.empty();
    }
}
