package dev.sluice.recordcall;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one record's call ended.
 *
 * @param kind           what happened
 * @param status         the API's answer, or null when nothing was answered
 * @param response       the answer's JSON ({@link Kind#DONE}), else null
 * @param excerpt        the start of the answer's body, capped and with secrets masked, or null
 * @param error          what went wrong, for a dead letter, else null
 * @param attempts       requests sent for it by this attempt (retries and the check included)
 * @param traceId        its span's trace id (the run's trace)
 * @param spanId         its span's id
 * @param idempotencyKey the key it was sent with, or null
 * @param inDoubt        an earlier attempt had sent it and never finished
 */
public record CallResult(
        Kind kind,
        Integer status,
        JsonNode response,
        String excerpt,
        String error,
        int attempts,
        String traceId,
        String spanId,
        String idempotencyKey,
        boolean inDoubt) {
    /** What happened to a record's call. */
    public enum Kind {
        /** The API answered done; {@code response} holds its JSON. */
        DONE,
        /** The API refused the record (a reject status): a dead letter. */
        REJECTED,
        /** The answer was done but could not be read as JSON: a dead letter. */
        UNMAPPABLE,
        /** The record lacks a value the request needs: a dead letter, nothing sent. */
        UNFIT,
        /** In doubt and {@code in_doubt: dead_letter}: not sent again, a dead letter. */
        IN_DOUBT
    }

    /** Whether the record's result goes to the sink (else to dead letters). */
    public boolean done() {
        return kind == Kind.DONE;
    }
}
