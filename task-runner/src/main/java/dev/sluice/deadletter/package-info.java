/**
 * Records that could not be written, kept with their payload in the page's transaction. Entry type:
 * {@link dev.sluice.deadletter.DeadLetterStore}.
 */
package dev.sluice.deadletter;
