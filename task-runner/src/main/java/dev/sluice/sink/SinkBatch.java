package dev.sluice.sink;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page of records to write, with where they came from.
 *
 * @param job       the job name
 * @param partition the partition key
 * @param epoch     the attempt's epoch (stored in each row as {@code _sluice_attempt})
 * @param traceId   the run's trace id (stored in each row as {@code _sluice_trace_id}), or null
 * @param records   the records, in page order
 */
public record SinkBatch(String job, String partition, long epoch, String traceId, List<JsonNode> records) {
    public SinkBatch {
        records = List.copyOf(records);
    }
}
