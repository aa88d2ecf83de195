/**
 * A job spec, loaded and validated as a whole. Entry type: {@link dev.sluice.job.JobSpecLoader}.
 */
package dev.sluice.job;
