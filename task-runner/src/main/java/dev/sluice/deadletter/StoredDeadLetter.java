package dev.sluice.deadletter;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A dead letter as the views show it: the payload only as a masked excerpt of its JSON text
 * (see {@link DeadLetterHistory}), with the full text's length so a cut is visible.
 *
 * @param status       a per-record call's answer status (a rejected call), else null
 * @param excerpt      the start of that answer's body (capped and masked when stored), else null
 * @param traceId      a per-record call's trace id, else null
 * @param position     the watermark the record's page was read from
 * @param payloadChars the length of the whole payload's JSON text
 */
public record StoredDeadLetter(
        long id,
        String job,
        String partition,
        long epoch,
        String recordKey,
        String error,
        Integer status,
        String excerpt,
        String traceId,
        String payloadExcerpt,
        int payloadChars,
        JsonNode position,
        Instant createdAt,
        Instant replayedAt) {}
