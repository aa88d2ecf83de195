package dev.sluice.source;

import dev.sluice.partition.Partition;
import java.time.Clock;

/**
 * What a source gets at run time.
 *
 * @param partition the partition being run
 * @param calls     the gate every API call goes through (shared limits, retries, breaker) and
 *                  that reports each call
 * @param clock     the clock to use
 */
public record SourceContext(Partition partition, ApiCalls calls, Clock clock) {}
