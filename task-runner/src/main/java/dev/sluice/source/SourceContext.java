package dev.sluice.source;

import dev.sluice.partition.Partition;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * What a source gets at run time.
 *
 * @param partition the partition being run
 * @param calls     the gate every API call goes through (shared limits, retries, breaker) and
 *                  that reports each call
 * @param clock     the clock to use
 * @param database  the Sluice database the run writes to (its connection pool), for sources that
 *                  read from it ({@code type: sql}); a source takes one connection at a time and
 *                  gives it back before {@link Source#read} returns
 */
public record SourceContext(Partition partition, ApiCalls calls, Clock clock, Jdbi database) {}
