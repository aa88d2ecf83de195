package dev.sluice.lease;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An attempt's hold on a partition. Every write of the attempt is checked against {@link #epoch()}:
 * once another attempt takes over (epoch + 1), this one can write nothing.
 *
 * @param job       the job
 * @param partition the partition key
 * @param epoch     this attempt's epoch
 * @param owner     who holds it ({@code host/pid/id})
 * @param watermark where to start: the committed watermark, or null for the first page
 */
public record Lease(String job, String partition, long epoch, String owner, JsonNode watermark) {}
