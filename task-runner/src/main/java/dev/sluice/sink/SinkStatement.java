package dev.sluice.sink;

import dev.sluice.db.PipelineStatement;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * A page's write, in one of two forms: one SQL statement for the page transaction to send in the
 * same round trip as the watermark update, or a write the sink runs itself in the page's
 * transaction right after that round trip, once the epoch fence held ({@link #direct}: PostgreSQL's
 * COPY, which cannot be pipelined but costs the server about half of an insert per row). See
 * {@link Sink#statement}.
 *
 * @param statement   the pipelined write (the rows it changes are the rows written), or null
 * @param direct      the direct write, or null
 * @param directRows  the rows the direct write writes (one per key of the page), 0 for a pipelined one
 * @param deadLetters the page's records that could not become rows, found before anything is sent
 */
public record SinkStatement(
        PipelineStatement statement, DirectWrite direct, int directRows, List<DeadLetter> deadLetters) {
    /** A write inside the page's transaction, after the watermark update. */
    @FunctionalInterface
    public interface DirectWrite {
        /** Writes the page; returns the rows written. */
        long write(Handle transaction);
    }

    public SinkStatement {
        if ((statement == null) == (direct == null)) {
            throw new IllegalArgumentException("a sink statement is either pipelined or direct");
        }
        deadLetters = List.copyOf(deadLetters);
    }

    /** A write sent in the same round trip as the watermark update. */
    public SinkStatement(PipelineStatement statement, List<DeadLetter> deadLetters) {
        this(statement, null, 0, deadLetters);
    }

    /** A write the page transaction runs in its transaction, after the watermark update. */
    public static SinkStatement direct(DirectWrite write, int rows, List<DeadLetter> deadLetters) {
        return new SinkStatement(null, write, rows, deadLetters);
    }

    /** Adds a pipelined write to the page transaction's {@code pipeline}; a direct one runs later, after it. */
    public void pipelineInto(List<PipelineStatement> pipeline) {
        if (statement != null) {
            pipeline.add(statement);
        }
    }
}
