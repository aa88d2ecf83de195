-- Shared history (issue 9 §3): per-attempt call stats, a per-limit time series, a readable limit state.

-- What an attempt's calls did, beside api_calls: written by every heartbeat and at the attempt's end,
-- so an attempt killed with SIGKILL keeps what its last heartbeat wrote. Dead letters are counted
-- from sluice_dead_letter (stored in the page's transaction, so exact even after a SIGKILL).
ALTER TABLE sluice_attempt
    ADD COLUMN http_429       bigint NOT NULL DEFAULT 0,  -- 429 answers
    ADD COLUMN retries        bigint NOT NULL DEFAULT 0,  -- attempts that retried an earlier one
    ADD COLUMN permit_wait_ms bigint NOT NULL DEFAULT 0;  -- time spent waiting for shared-limit permits

-- Per limit and second (the writing process's clock): what every process sharing the limit did.
-- Each process adds up its own seconds in memory and flushes them every few seconds with one
-- upsert that adds to what other processes wrote; rows older than the retention are deleted by
-- the flushers now and then.
CREATE TABLE sluice_limit_series (
    limit_name         text             NOT NULL,
    bucket_start       timestamptz      NOT NULL,            -- the second the row counts
    permits            bigint           NOT NULL DEFAULT 0,  -- permits the database handed out (in batches)
    calls              bigint           NOT NULL DEFAULT 0,  -- requests sent under the limit, retries included
    http_429           bigint           NOT NULL DEFAULT 0,  -- of which answered 429
    permit_wait_ms     double precision NOT NULL DEFAULT 0,  -- waits for permits, summed
    permit_wait_max_ms double precision NOT NULL DEFAULT 0,  -- the longest single wait
    PRIMARY KEY (limit_name, bucket_start)
);
CREATE INDEX sluice_limit_series_bucket_start ON sluice_limit_series (bucket_start);

-- The tokens each bandwidth of a limit holds at `at`, refilled the way sluice_take_permits refills
-- them (V4; keep the two in step), without taking or writing anything: a bucket never taken from is
-- full. NULL for a row without a bucket (registered before V4).
CREATE FUNCTION sluice_limit_tokens(l sluice_limit, at timestamptz) RETURNS double precision[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    now_ms double precision := extract(epoch FROM at) * 1000;
    then_ms double precision;
    t double precision[];
BEGIN
    IF l.capacity IS NULL THEN
        RETURN NULL;
    END IF;
    IF l.tokens IS NULL OR array_length(l.tokens, 1) <> array_length(l.capacity, 1) THEN
        RETURN l.capacity;
    END IF;
    then_ms := least(now_ms, extract(epoch FROM coalesce(l.refilled_at, at)) * 1000);
    t := l.tokens;
    FOR i IN 1..array_length(l.capacity, 1) LOOP
        IF l.tokens_capacity IS DISTINCT FROM l.capacity THEN
            t[i] := t[i] / l.tokens_capacity[i] * l.capacity[i];
        END IF;
        IF l.quota_ms[i] > 0 THEN
            t[i] := least(l.capacity[i],
                          t[i] + l.capacity[i] * (floor(now_ms / l.quota_ms[i]) - floor(then_ms / l.quota_ms[i])));
        ELSE
            t[i] := least(l.capacity[i], t[i] + l.refill_per_ms[i] * (now_ms - then_ms));
        END IF;
    END LOOP;
    RETURN t;
END
$$;

-- Each limit as an operator reads it: configuration, version, pause, and the permits available now
-- (whole tokens every bandwidth has, plus permits handed back and still usable).
CREATE VIEW sluice_limit_state AS
SELECT l.name, l.config, l.version, l.configured_by, l.updated_at, l.paused_until, l.pause_reason,
       l.capacity, s.tokens, clock_timestamp() AS observed_at,
       CASE WHEN s.tokens IS NULL THEN NULL
            ELSE greatest(0, (SELECT floor(min(x)) FROM unnest(s.tokens) x))
                 + CASE WHEN l.returned > 0 AND l.returned_until > clock_timestamp() THEN l.returned ELSE 0 END
       END AS available
FROM sluice_limit l, LATERAL (SELECT sluice_limit_tokens(l, clock_timestamp()) AS tokens) s;
