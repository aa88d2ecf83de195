package dev.sluice.sink;

import java.util.List;

/**
 * What a write did.
 *
 * @param rows        rows inserted or updated
 * @param deadLetters records that could not be written, with the reason
 */
public record SinkResult(int rows, List<DeadLetter> deadLetters) {
    public SinkResult {
        deadLetters = List.copyOf(deadLetters);
    }
}
