/**
 * Per-record calls, the second job shape: for each input record, one API call through the run's
 * call gate, recorded in a call ledger so each record's effect is applied at most once where the
 * API honours idempotency keys, and every call that may have been applied twice is named.
 */
package dev.sluice.recordcall;
