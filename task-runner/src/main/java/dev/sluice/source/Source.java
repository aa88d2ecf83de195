package dev.sluice.source;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.partition.Partition;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where records come from, one page at a time, resumably. A source is a pure reader: it keeps no
 * state between calls except what it returns in {@link Page#next()}, which the runner commits as
 * the partition's watermark together with the page's rows. After a crash, the runner calls
 * {@link #read} again with the last committed position.
 *
 * <p>Implement {@link SourceProvider} to plug in your own source; the built-in one is
 * {@code type: http}.
 */
public interface Source extends AutoCloseable {
    /**
     * Reads the page at {@code position}.
     *
     * @param partition the partition being run
     * @param position  the watermark committed with the previous page, or null for the first page
     * @throws SourceUnavailableException when the API cannot answer now (the run can be retried)
     * @throws SourceRejectedException    when the API refuses the request itself
     */
    Page read(Partition partition, JsonNode position);

    /**
     * For a partition that completed before: where a new pass starts (an incremental source
     * continues from its high-water mark), or empty when a re-run has nothing to do.
     */
    default Optional<JsonNode> nextPass(JsonNode finalPosition) {
        return Optional.empty();
    }

    /**
     * The position just after record {@code index} of {@code page}, where the source can name it
     * (a stream's entry id); empty otherwise. A per-record run then commits it as the watermark,
     * so the stored position is the last record consumed itself rather than the page's start and
     * a count of records into it (a count that deleting an entry would shift).
     */
    default Optional<JsonNode> positionAfter(Page page, int index) {
        return Optional.empty();
    }

    /**
     * How many entries the input still holds after {@code position} (a queue's lag), where the
     * source can tell; empty otherwise. Asked once at the end of a run, for its summary and metrics.
     */
    default OptionalLong lag(JsonNode position) {
        return OptionalLong.empty();
    }

    @Override
    default void close() {}
}
