-- Per-record calls: one ledger row per (job, partition, record key), and dead letters that say
-- what the API answered.

-- pending -> sent -> done | rejected. "sent" is written before the request leaves; "done" and
-- "rejected" in the transaction that writes the result (or dead letter) and advances the watermark.
-- A row still "sent" without an answer when a later attempt reaches its record is in doubt: the API
-- may have applied it. A "sent" row with its answer (received, not yet committed) is not: the next
-- attempt commits that answer without calling again.
CREATE TABLE sluice_call (
    job             text        NOT NULL,
    partition_key   text        NOT NULL,
    record_key      text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'done', 'rejected')),
    epoch           bigint      NOT NULL,            -- the attempt that wrote the state
    status          integer,                         -- the API's last answer
    attempts        integer     NOT NULL DEFAULT 0,  -- requests sent, retries and re-sends included
    in_doubt        integer     NOT NULL DEFAULT 0,  -- times a later attempt found it sent and unfinished
    idempotency_key text,
    trace_id        text,
    span_id         text,
    error           text,
    answer          jsonb,                           -- the call's outcome once answered, until committed
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job, partition_key, record_key)
);
CREATE INDEX sluice_call_open ON sluice_call (job, partition_key) WHERE state IN ('pending', 'sent');

ALTER TABLE sluice_dead_letter
    ADD COLUMN status   integer,  -- the API's answer, for a rejected call
    ADD COLUMN excerpt  text,     -- the start of its body, capped, secrets masked
    ADD COLUMN trace_id text;     -- the call's trace id (its span is a child of the run's)
