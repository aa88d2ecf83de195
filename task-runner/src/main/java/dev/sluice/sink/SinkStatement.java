package dev.sluice.sink;

import dev.sluice.db.PipelineStatement;
import java.util.List;

/**
 * A page's write as one SQL statement, for the page transaction to send in the same round trip as
 * the watermark update (see {@link Sink#statement}).
 *
 * @param statement   the write
 * @param rows        the rows it writes (the page's records less its dead letters, one per key)
 * @param deadLetters the page's records that could not become rows, found before anything is sent
 */
public record SinkStatement(PipelineStatement statement, int rows, List<DeadLetter> deadLetters) {
    public SinkStatement {
        deadLetters = List.copyOf(deadLetters);
    }
}
