/**
 * Leases on partitions: an attempt claims (job, partition) and gets an epoch; a takeover or reset
 * bumps it, fencing out the stale attempt. Entry type: {@link dev.sluice.lease.Leases}.
 */
package dev.sluice.lease;
