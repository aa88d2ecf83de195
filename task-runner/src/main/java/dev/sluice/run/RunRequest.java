package dev.sluice.run;

import dev.sluice.lease.AttemptInfo;

/**
 * One attempt to run one partition.
 *
 * @param partition the partition key
 * @param force     reprocess from the first page even if the partition is done
 * @param attempt   where the attempt comes from (Airflow context), for the attempt record
 */
public record RunRequest(String partition, boolean force, AttemptInfo attempt) {}
