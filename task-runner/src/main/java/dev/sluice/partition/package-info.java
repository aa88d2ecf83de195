/**
 * How jobs are cut into partitions (daily, hourly, list, shards), planning windows and parsing keys.
 * Entry type: {@link dev.sluice.partition.PartitionSpec}.
 */
package dev.sluice.partition;
