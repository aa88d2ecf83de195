package dev.sluice.sink;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Where a page's records go. {@link #write} runs inside the runner's transaction, the same one
 * that advances the watermark, so a page is either fully written with its watermark or not at all.
 * Writes must be idempotent by record key (upserts): after a crash between pages, the page after
 * the last committed watermark is written again.
 *
 * <p>Implement {@link SinkProvider} to plug in your own sink; the built-in one is
 * {@code type: postgres}. A sink outside this database cannot join the transaction; it must then
 * be idempotent by key so that re-writing a page changes nothing.
 */
public interface Sink {
    /** Creates or checks what the sink needs (tables); idempotent; runs before the first page. */
    void prepare(Handle handle);

    /**
     * Writes one page. Records that cannot be written (a missing key, a value of the wrong type)
     * are returned as dead letters instead of failing the page.
     */
    SinkResult write(Handle transaction, SinkBatch batch);

    /**
     * The page's write as one SQL statement, for sinks whose table is in the Sluice database: the
     * page transaction then sends it in the same network round trip as its watermark update, and a
     * page without dead letters costs that one round trip in all (no BEGIN/COMMIT: the pair runs as
     * one implicit transaction). The statement must do nothing but the write, so that it may run
     * after the update either way. Empty, the default: {@link #write} is called instead.
     */
    default Optional<SinkStatement> statement(SinkBatch batch) {
        return Optional.empty();
    }

    /**
     * Whether a page whose transaction failed with {@code failure} is worth another try because
     * the sink now writes differently (the built-in sink: a plain insert met a key that is already
     * there, so it upserts from now on). The page is rolled back before the new try. Default: no.
     */
    default boolean retry(Throwable failure) {
        return false;
    }
}
