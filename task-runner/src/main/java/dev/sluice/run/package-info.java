/**
 * Running one attempt of one partition: claim, read, commit page by page, summarise. Entry type:
 * {@link dev.sluice.run.PartitionRunner}.
 */
package dev.sluice.run;
