-- Shared limits: Bucket4j's bucket rows (one per limit name), and per-limit state Sluice keeps
-- beside them: the configuration version (so a changed spec replaces the bucket's configuration
-- for every running process) and a pause (Retry-After, or "remaining 0 until reset" headers).
CREATE TABLE sluice_bucket (
    id         text   PRIMARY KEY,  -- the limit's name
    state      bytea,               -- Bucket4j's serialized state and configuration
    expires_at bigint               -- epoch ms when the bucket is full again; expired rows are deleted
);

CREATE TABLE sluice_limit (
    name          text        PRIMARY KEY,
    config        jsonb       NOT NULL,
    config_hash   text        NOT NULL,
    version       bigint      NOT NULL DEFAULT 1,  -- bumped when a job brings a different configuration
    configured_by text,                            -- the job (and file) that set the current configuration
    paused_until  timestamptz,                     -- nobody calls the API before this
    pause_reason  text,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Shared circuit breakers, one per limit (or per API host for jobs without limits).
CREATE TABLE sluice_breaker (
    name             text        PRIMARY KEY,
    state            text        NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
    failures         integer     NOT NULL DEFAULT 0,   -- consecutive failed calls, all processes together
    opened_until     timestamptz,                      -- open: no call before this; then one probe
    probe_owner      text,                             -- half_open: the process whose call decides
    probe_started_at timestamptz,
    last_error       text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
