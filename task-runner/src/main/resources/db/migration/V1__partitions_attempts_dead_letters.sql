-- Sluice's own state. Sink tables are created from job specs by the sink (additive changes only).

-- One row per (job, partition): its watermark, and the lease that fences out stale attempts.
CREATE TABLE sluice_partition (
    job              text        NOT NULL,
    partition_key    text        NOT NULL,
    state            text        NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'running', 'done', 'failed')),
    watermark        jsonb,                          -- the source's position after the last committed page
    epoch            bigint      NOT NULL DEFAULT 0, -- bumped by every claim, takeover and reset
    lease_owner      text,                           -- host/pid/uuid of the attempt holding the lease
    lease_expires_at timestamptz,                    -- database time; extended by heartbeats and commits
    heartbeat_at     timestamptz,
    attempts         integer     NOT NULL DEFAULT 0,
    pages            bigint      NOT NULL DEFAULT 0, -- since the last reset
    records          bigint      NOT NULL DEFAULT 0,
    dead_letters     bigint      NOT NULL DEFAULT 0,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    PRIMARY KEY (job, partition_key)
);

-- One row per attempt (epoch) of a partition: who ran it, from which Airflow task, and how it ended.
CREATE TABLE sluice_attempt (
    job           text        NOT NULL,
    partition_key text        NOT NULL,
    epoch         bigint      NOT NULL,
    owner         text        NOT NULL,
    forced        boolean     NOT NULL DEFAULT false,
    dag_id        text,
    run_id        text,
    try_number    integer,
    map_index     integer,
    trace_id      text,
    status        text        NOT NULL DEFAULT 'running',
    exit_code     integer,
    pages         bigint      NOT NULL DEFAULT 0,
    records       bigint      NOT NULL DEFAULT 0,
    api_calls     bigint      NOT NULL DEFAULT 0,
    message       text,
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    PRIMARY KEY (job, partition_key, epoch)
);

-- Records that could not be written, with their raw payload, kept in the page's transaction.
CREATE TABLE sluice_dead_letter (
    id            bigserial   PRIMARY KEY,
    job           text        NOT NULL,
    partition_key text        NOT NULL,
    epoch         bigint      NOT NULL,
    position      jsonb,                             -- the watermark the page was read from
    record_key    text,
    payload       jsonb       NOT NULL,
    error         text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    replayed_at   timestamptz
);
CREATE INDEX sluice_dead_letter_partition ON sluice_dead_letter (job, partition_key);
