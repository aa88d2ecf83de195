-- Batched permits (issue 11 §6): each limit's token bucket lives in its sluice_limit row, beside its
-- configuration and pause, and one statement takes a batch of permits (or reserves one) in
-- database time. This replaces Bucket4j's bucket rows: 3 round trips per permit plus a pause check
-- became 1 round trip per batch, pause check included. The proof that no window admits more than
-- its limit is in README.md ("Batched permits").

DROP TABLE sluice_bucket;

ALTER TABLE sluice_limit
    ADD COLUMN capacity        double precision[],  -- per bandwidth: the most tokens it holds
    ADD COLUMN refill_per_ms   double precision[],  -- per paced rate: tokens added per ms (0 for quotas)
    ADD COLUMN quota_ms        bigint[],            -- per quota: its period in ms, aligned to the epoch (0 for rates)
    ADD COLUMN validity_ms     double precision[],  -- per paced rate: how long after its grant a permit may be used
    ADD COLUMN tokens          double precision[],  -- the bucket: tokens per bandwidth (below 0: reserved ahead)
    ADD COLUMN tokens_capacity double precision[],  -- the capacities the tokens were counted in (a new configuration rescales them)
    ADD COLUMN refilled_at     timestamptz,
    ADD COLUMN returned        integer NOT NULL DEFAULT 0,  -- permits handed back unused, reusable until returned_until
    ADD COLUMN returned_until  timestamptz;

-- Takes up to p_want permits of limit p_name at once, when every bandwidth has them (granted >= 1,
-- usable from now until usable_until). Else reserves one permit when only paced rates are short and
-- the wait is within p_max_wait_ms (granted = 1, usable from usable_at), or takes nothing and says
-- when to ask again (retry_at: a quota's reset, or a wait beyond p_max_wait_ms). During a pause
-- nothing is taken (paused_until, pause_reason). db_now is the database time of the decision,
-- started_at when the statement began (before it waited for the row's lock).
CREATE FUNCTION sluice_take_permits(p_name text, p_want integer, p_max_wait_ms double precision,
        OUT granted integer, OUT usable_at timestamptz, OUT usable_until timestamptz, OUT retry_at timestamptz,
        OUT paused_until timestamptz, OUT pause_reason text, OUT db_now timestamptz, OUT started_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    l sluice_limit%ROWTYPE;
    now_ms double precision;
    then_ms double precision;
    t double precision[];
    n integer;
    avail double precision := 'Infinity';
    rate_wait double precision := 0;   -- ms until every paced rate has a token
    quota_wait double precision := 0;  -- ms until every quota has one
    boundary double precision := 'Infinity';  -- ms until the next reset of any quota
    valid double precision := 'Infinity';     -- ms a permit granted now may be used
    reserve_until double precision := 'Infinity';
    w double precision;
BEGIN
    granted := 0;
    started_at := statement_timestamp();
    SELECT * INTO l FROM sluice_limit WHERE name = p_name FOR UPDATE;
    IF NOT FOUND OR l.capacity IS NULL THEN
        RAISE EXCEPTION 'limit % is not registered: SharedLimits.open registers it first', p_name;
    END IF;
    db_now := clock_timestamp();
    IF l.paused_until > db_now THEN
        paused_until := l.paused_until;
        pause_reason := l.pause_reason;
        RETURN;
    END IF;
    now_ms := extract(epoch FROM db_now) * 1000;
    then_ms := least(now_ms, extract(epoch FROM coalesce(l.refilled_at, db_now)) * 1000);
    n := array_length(l.capacity, 1);
    IF l.tokens IS NULL OR array_length(l.tokens, 1) <> n THEN
        t := l.capacity;
    ELSE
        t := l.tokens;
        IF l.tokens_capacity IS DISTINCT FROM l.capacity THEN
            FOR i IN 1..n LOOP
                t[i] := t[i] / l.tokens_capacity[i] * l.capacity[i];
            END LOOP;
        END IF;
    END IF;
    FOR i IN 1..n LOOP
        IF l.quota_ms[i] > 0 THEN
            t[i] := least(l.capacity[i],
                          t[i] + l.capacity[i] * (floor(now_ms / l.quota_ms[i]) - floor(then_ms / l.quota_ms[i])));
            boundary := least(boundary, (floor(now_ms / l.quota_ms[i]) + 1) * l.quota_ms[i] - now_ms);
        ELSE
            t[i] := least(l.capacity[i], t[i] + l.refill_per_ms[i] * (now_ms - then_ms));
            valid := least(valid, l.validity_ms[i]);
        END IF;
        avail := least(avail, floor(t[i]));
    END LOOP;
    -- a batch never outlives the period it was granted in, and nobody holds one for long
    valid := least(valid, boundary, 1000);
    IF l.returned > 0 AND l.returned_until > db_now THEN
        -- permits another process handed back keep their original deadline
        granted := least(p_want, l.returned);
        usable_at := db_now;
        usable_until := l.returned_until;
    ELSIF avail >= 1 THEN
        granted := least(p_want, avail)::integer;
        FOR i IN 1..n LOOP
            t[i] := t[i] - granted;
        END LOOP;
        usable_at := db_now;
        usable_until := db_now + make_interval(secs => valid / 1000);
    ELSE
        FOR i IN 1..n LOOP
            IF l.quota_ms[i] > 0 THEN
                IF t[i] < 1 THEN
                    quota_wait := greatest(quota_wait,
                        (floor(now_ms / l.quota_ms[i]) + ceil((1 - t[i]) / l.capacity[i])) * l.quota_ms[i] - now_ms);
                END IF;
            ELSE
                w := greatest(0, (1 - t[i]) / l.refill_per_ms[i]);
                rate_wait := greatest(rate_wait, w);
                -- the permit counts as granted by this rate when its token refills (now + w): it must
                -- be used within validity_ms of that
                reserve_until := least(reserve_until, w + l.validity_ms[i]);
            END IF;
        END LOOP;
        reserve_until := least(reserve_until, boundary);
        IF quota_wait > 0 OR rate_wait > p_max_wait_ms OR reserve_until <= rate_wait THEN
            retry_at := db_now + make_interval(secs => greatest(quota_wait, rate_wait) / 1000);
        ELSE
            granted := 1;
            FOR i IN 1..n LOOP
                t[i] := t[i] - 1;
            END LOOP;
            usable_at := db_now + make_interval(secs => rate_wait / 1000);
            usable_until := db_now + make_interval(secs => reserve_until / 1000);
        END IF;
    END IF;
    UPDATE sluice_limit
    SET tokens = t, tokens_capacity = l.capacity, refilled_at = db_now,
        returned = CASE WHEN l.returned > 0 AND l.returned_until > db_now THEN l.returned - granted ELSE 0 END
    WHERE name = p_name;
END
$$;
