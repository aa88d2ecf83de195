-- Quota units a late waker dropped go back to the quota (V8's loss): a permit reserved ahead on a
-- paced rate also holds its quota unit, and a process that woke after the permit's deadline dropped
-- both and asked again, so a 20-call quota served 16-18 calls on a loaded machine.
--
-- sluice_take_permits now also takes what the caller dropped unused since its last take: p_dropped
-- units of each limit (in p_names' order), the earliest of them granted at p_dropped_at_ms (epoch
-- ms, database time: the db_now of its grant). The same statement that asks again returns them to
-- each quota of the limit whose current period is the one they were granted in (capped at the
-- quota's amount), before it decides. The caller removed them from its batch before asking, so
-- they are never used: a period's calls are at most its grants less the units returned, at most
-- the quota (README, "Why no window admits more than the rate"). A unit granted in an earlier
-- period is not returned: the reset already refilled that quota. A paced rate's token is not
-- returned (the rate refills by itself, and its proof counts the token as granted). A return that
-- is lost (the statement fails) is unused budget, never an extra call: the runner sends each
-- dropped unit once. Runners of V8 and V9 call with four arguments: nothing dropped.

DROP FUNCTION sluice_take_permits(text[], integer[], integer[], double precision);

CREATE FUNCTION sluice_take_permits(p_names text[], p_wants integer[], p_needs integer[],
        p_max_wait_ms double precision, p_dropped integer[] DEFAULT NULL, p_dropped_at_ms double precision[] DEFAULT NULL,
        OUT granted integer[], OUT usable_at timestamptz, OUT usable_until timestamptz, OUT retry_at timestamptz,
        OUT paused_until timestamptz, OUT pause_reason text, OUT db_now timestamptz, OUT started_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    k integer := coalesce(array_length(p_names, 1), 0);
    l sluice_limit%ROWTYPE;
    ls sluice_limit[] := '{}';
    idx integer[] := '{}';     -- position in p_names of each row in ls
    now_ms double precision;
    t double precision[];
    need integer;
    all_there boolean := true; -- every bandwidth of every limit holds the call's units
    avail double precision[];  -- per row of ls: whole units every bandwidth holds
    a double precision;
    rate_wait double precision := 0;   -- ms until every paced rate holds the call's units
    quota_wait double precision := 0;  -- ms until every quota holds them
    boundary double precision := 'Infinity';  -- ms until the next reset of any quota
    valid double precision := 'Infinity';     -- ms a permit granted now may be used
    reserve_until double precision := 'Infinity';
    w double precision;
    from_pool boolean := false;
    calls double precision := 'Infinity';  -- calls every limit's batch can serve
    pool_live boolean;
    back integer;
    period_of_grant boolean;
BEGIN
    started_at := statement_timestamp();
    IF k = 0 OR coalesce(array_length(p_wants, 1), 0) <> k OR coalesce(array_length(p_needs, 1), 0) <> k THEN
        RAISE EXCEPTION 'sluice_take_permits: give as many wants and needs as names (%)', k;
    END IF;
    granted := array_fill(0, ARRAY[k]);
    FOR l IN SELECT * FROM sluice_limit WHERE name = ANY(p_names) ORDER BY name FOR UPDATE LOOP
        ls := ls || l;
        idx := idx || array_position(p_names, l.name);
    END LOOP;
    IF coalesce(array_length(ls, 1), 0) <> k OR EXISTS (SELECT 1 FROM unnest(ls) r WHERE r.capacity IS NULL) THEN
        RAISE EXCEPTION 'limits % are not all registered: SharedLimits.open registers them first', p_names;
    END IF;
    db_now := clock_timestamp();
    now_ms := extract(epoch FROM db_now) * 1000;
    FOR r IN 1..k LOOP
        back := coalesce(p_dropped[idx[r]], 0);
        IF back > 0 AND p_dropped_at_ms[idx[r]] IS NOT NULL THEN
            l := ls[r];
            t := sluice_limit_tokens(l, db_now);
            period_of_grant := false;
            FOR i IN 1..array_length(t, 1) LOOP
                IF l.quota_ms[i] > 0
                   AND floor(now_ms / l.quota_ms[i]) = floor(p_dropped_at_ms[idx[r]] / l.quota_ms[i]) THEN
                    t[i] := least(l.capacity[i], t[i] + back);
                    period_of_grant := true;
                END IF;
            END LOOP;
            IF period_of_grant THEN
                -- written now, so a take that then pauses or waits (and writes nothing) keeps it
                UPDATE sluice_limit SET tokens = t, tokens_capacity = l.capacity, refilled_at = db_now
                WHERE name = l.name RETURNING * INTO l;
                ls[r] := l;
            END IF;
        END IF;
    END LOOP;
    FOR r IN 1..k LOOP
        l := ls[r];
        need := p_needs[idx[r]];
        IF need IS NULL OR need < 1 OR p_wants[idx[r]] < need THEN
            RAISE EXCEPTION 'limit %: need % must be at least 1 and at most want %', l.name, need, p_wants[idx[r]];
        END IF;
        IF need > (SELECT min(c) FROM unnest(l.capacity) c) THEN
            RAISE EXCEPTION 'limit %: a call of % units can never be granted (capacity %): raise the limit''s burst',
                l.name, need, (SELECT min(c) FROM unnest(l.capacity) c);
        END IF;
        IF l.paused_until > db_now AND (paused_until IS NULL OR l.paused_until > paused_until) THEN
            paused_until := l.paused_until;
            pause_reason := l.pause_reason;
        END IF;
        t := sluice_limit_tokens(l, db_now);  -- refilled as of now (V6; the same refill V4 did inline)
        a := 'Infinity';
        FOR i IN 1..array_length(t, 1) LOOP
            a := least(a, floor(t[i]));
            IF l.quota_ms[i] > 0 THEN
                boundary := least(boundary, (floor(now_ms / l.quota_ms[i]) + 1) * l.quota_ms[i] - now_ms);
                IF t[i] < need THEN
                    quota_wait := greatest(quota_wait,
                        (floor(now_ms / l.quota_ms[i]) + ceil((need - t[i]) / l.capacity[i])) * l.quota_ms[i] - now_ms);
                END IF;
            ELSE
                valid := least(valid, l.validity_ms[i]);
                w := greatest(0, (need - t[i]) / l.refill_per_ms[i]);
                rate_wait := greatest(rate_wait, w);
                -- the units count as granted by this rate when the refill covers the last of them
                -- (now + w): they must be used within validity_ms of that
                reserve_until := least(reserve_until, w + l.validity_ms[i]);
            END IF;
        END LOOP;
        avail := avail || a;
        all_there := all_there AND a >= need;
    END LOOP;
    IF paused_until IS NOT NULL THEN
        RETURN;  -- nothing taken, nothing written
    END IF;
    -- a batch never outlives the period it was granted in, and nobody holds one for long
    valid := least(valid, boundary, 1000);
    reserve_until := least(reserve_until, boundary);
    pool_live := k = 1 AND ls[1].returned > 0 AND ls[1].returned_until > db_now;
    IF pool_live AND ls[1].returned >= p_needs[1] THEN
        -- permits another process handed back keep their original deadline
        from_pool := true;
        granted[1] := least(p_wants[1], ls[1].returned);
        usable_at := db_now;
        usable_until := ls[1].returned_until;
    ELSIF all_there THEN
        -- batches of several limits serve the same number of calls: a batch of tokens larger than
        -- the requests batch beside it allows would only expire unused while others wait for it
        FOR r IN 1..k LOOP
            calls := least(calls, floor(least(p_wants[idx[r]], avail[r]) / p_needs[idx[r]]));
        END LOOP;
        FOR r IN 1..k LOOP
            granted[idx[r]] := least(p_wants[idx[r]], avail[r], greatest(1, calls) * p_needs[idx[r]])::integer;
        END LOOP;
        usable_at := db_now;
        usable_until := db_now + make_interval(secs => valid / 1000);
    ELSIF quota_wait > 0 OR rate_wait > p_max_wait_ms OR reserve_until <= rate_wait THEN
        retry_at := db_now + make_interval(secs => greatest(quota_wait, rate_wait) / 1000);
        RETURN;  -- nothing taken, nothing written
    ELSE
        FOR r IN 1..k LOOP
            granted[idx[r]] := p_needs[idx[r]];
        END LOOP;
        usable_at := db_now + make_interval(secs => rate_wait / 1000);
        usable_until := db_now + make_interval(secs => reserve_until / 1000);
    END IF;
    FOR r IN 1..k LOOP
        l := ls[r];
        t := sluice_limit_tokens(l, db_now);
        IF NOT from_pool THEN
            FOR i IN 1..array_length(t, 1) LOOP
                t[i] := t[i] - granted[idx[r]];
            END LOOP;
        END IF;
        UPDATE sluice_limit
        SET tokens = t, tokens_capacity = l.capacity, refilled_at = db_now,
            returned = CASE WHEN from_pool THEN l.returned - granted[idx[r]]
                            WHEN l.returned > 0 AND l.returned_until > db_now THEN l.returned ELSE 0 END
        WHERE name = l.name;
    END LOOP;
END
$$;
