-- A page's watermark update as a function, so PostgreSQL plans its two UPDATEs once per session.
-- The runner sends no named prepared statements (PgBouncer's transaction pooling cannot keep them),
-- so a statement it sends is parsed and planned on every page: for the update with the epoch fence
-- that cost 180-200 µs of server CPU per page, against 60-70 µs prepared or through this function
-- (pgbench, one client). PL/pgSQL keeps the plans of its static statements in the session, which
-- holds behind PgBouncer as well: the function exists in every server session.
--
-- Same rule as before (DESIGN.md rule 1): the partition row moves only while the attempt's epoch is
-- current and the watermark is where the page was read from; the row stays locked until the page
-- commits. Returns the partition's dead letters counting this page's, or NULL when nothing matched
-- (fenced, or the page committed in an earlier try): the caller then asks why.
CREATE FUNCTION sluice_advance_page(
    p_to jsonb, p_records integer, p_dead_letters integer, p_last boolean, p_lease_seconds double precision,
    p_job text, p_partition text, p_epoch bigint, p_from jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    dead bigint;
BEGIN
    UPDATE sluice_partition
       SET watermark = p_to, pages = pages + 1, records = records + p_records,
           dead_letters = dead_letters + p_dead_letters,
           state = CASE WHEN p_last THEN 'done' ELSE state END,
           completed_at = CASE WHEN p_last THEN now() ELSE completed_at END,
           lease_expires_at = now() + make_interval(secs => p_lease_seconds), heartbeat_at = now(), updated_at = now()
     WHERE job = p_job AND partition_key = p_partition AND epoch = p_epoch
       AND watermark IS NOT DISTINCT FROM p_from
    RETURNING dead_letters INTO dead;
    IF FOUND THEN
        UPDATE sluice_attempt SET pages = pages + 1, records = records + p_records
         WHERE job = p_job AND partition_key = p_partition AND epoch = p_epoch;
    END IF;
    RETURN dead;
END
$$;
