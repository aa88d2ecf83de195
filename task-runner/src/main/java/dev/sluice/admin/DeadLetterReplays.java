package dev.sluice.admin;

import java.util.List;
import java.util.Map;

/**
 * Replays a per-record job's dead letters for the admin API's replay route. The server itself
 * loads no job spec; the command that starts it supplies this (it finds the job's spec in the
 * directory given to {@code sluice serve --jobs} and runs the replay as {@code sluice replay} does),
 * or {@link #NONE}, which answers 501.
 */
@FunctionalInterface
public interface DeadLetterReplays {
    /** The answer to a replay request: an HTTP status and a JSON body. */
    record Answer(int status, Map<String, Object> body) {}

    /** Replays nothing: the server was started without a jobs directory. */
    DeadLetterReplays NONE = (job, partition, ids) -> new Answer(
            501,
            Map.of(
                    "error",
                    "replaying dead letters needs the job's spec (its call and credentials), and this server was"
                            + " started without one: restart it with `sluice serve --jobs DIR` (the directory of the"
                            + " job specs, e.g. dags/jobs) and the APIs' secrets in its environment, or run"
                            + " `sluice replay --job FILE` where the job runs."));

    /**
     * Replays the dead letters of job {@code job}: of {@code partition} only when not null, of
     * {@code ids} only when not empty. Runs to the end before answering.
     */
    Answer replay(String job, String partition, List<Long> ids);
}
