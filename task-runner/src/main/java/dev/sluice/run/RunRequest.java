package dev.sluice.run;

import dev.sluice.lease.AttemptInfo;
import dev.sluice.partition.Partition;

/**
 * One attempt to run one partition.
 *
 * @param partition the partition, parsed once from its key by the job's partition scheme
 * @param force     reprocess from the first page even if the partition is done
 * @param attempt   where the attempt comes from (Airflow context), for the attempt record
 */
public record RunRequest(Partition partition, boolean force, AttemptInfo attempt) {}
