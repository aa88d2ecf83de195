-- The page's watermark update for a page committed in one autocommitted round trip: the update and
-- the sink's write go in one pipeline without BEGIN/COMMIT, so PostgreSQL runs them as one implicit
-- transaction that commits at the pipeline's Sync. The runner no longer looks at the update's answer
-- before the write runs, so a refusal must stop the write on the server: this function raises
-- (SQLSTATE SL001), PostgreSQL skips the rest of the pipeline and rolls the transaction back, and
-- the runner asks why, as after sluice_advance_page's NULL (fenced, or committed by an earlier try).
CREATE FUNCTION sluice_advance_page_or_refuse(
    p_to jsonb, p_records integer, p_dead_letters integer, p_last boolean, p_lease_seconds double precision,
    p_job text, p_partition text, p_epoch bigint, p_from jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    dead bigint;
BEGIN
    dead := sluice_advance_page(p_to, p_records, p_dead_letters, p_last, p_lease_seconds, p_job, p_partition,
                                p_epoch, p_from);
    IF dead IS NULL THEN
        RAISE EXCEPTION 'sluice: the page''s watermark update matched no row (fenced, or committed by an earlier try)'
            USING ERRCODE = 'SL001';
    END IF;
    RETURN dead;
END
$$;
