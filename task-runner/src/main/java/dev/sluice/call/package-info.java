/**
 * The call gate: breaker, shared permits, retries and answer handling for every API call of a run.
 * Entry type: {@link dev.sluice.call.CallGate}.
 */
package dev.sluice.call;
