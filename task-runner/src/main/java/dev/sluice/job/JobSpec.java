package dev.sluice.job;

import dev.sluice.breaker.BreakerConfig;
import dev.sluice.partition.PartitionSpec;
import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.recordcall.CallSpec;
import dev.sluice.retry.RetryConfig;
import dev.sluice.sink.SinkDefinition;
import dev.sluice.source.SourceDefinition;
import java.util.List;

/**
 * A loaded and validated job spec: everything a run needs, nothing unchecked.
 *
 * @param name        the job name ({@code job:}); keys watermarks, leases and the Airflow DAG
 * @param description free text
 * @param file        where it was loaded from
 * @param partitions  how the job is cut
 * @param source      where records come from
 * @param sink        where they go
 * @param runner      lease and progress settings
 * @param deadLetters how many bad records a partition tolerates
 * @param limits      the shared limits every API call takes a permit from
 * @param retry       how calls are retried
 * @param breaker     when the API's shared breaker opens
 * @param call        for a per-record job ({@code input:} + {@code call:}), the call made for each
 *                    record (its input is {@code source}); null for a pull job
 */
public record JobSpec(
        String name,
        String description,
        String file,
        PartitionSpec partitions,
        SourceDefinition source,
        SinkDefinition sink,
        RunnerConfig runner,
        DeadLettersConfig deadLetters,
        List<LimitConfig> limits,
        RetryConfig retry,
        BreakerConfig breaker,
        CallSpec call) {
    /** A pull job: pages of a source into a sink. */
    public JobSpec(
            String name,
            String description,
            String file,
            PartitionSpec partitions,
            SourceDefinition source,
            SinkDefinition sink,
            RunnerConfig runner,
            DeadLettersConfig deadLetters,
            List<LimitConfig> limits,
            RetryConfig retry,
            BreakerConfig breaker) {
        this(name, description, file, partitions, source, sink, runner, deadLetters, limits, retry, breaker, null);
    }

    /** The field that identifies a record of a per-record job: {@code call.key}, else the input's key. */
    public String recordKey() {
        return call != null && call.key() != null
                ? call.key()
                : source.recordKey().orElse(null);
    }
}
