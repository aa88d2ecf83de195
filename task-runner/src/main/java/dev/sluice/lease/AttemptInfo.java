package dev.sluice.lease;

import java.util.Map;

/**
 * Where an attempt comes from, recorded in {@code sluice_attempt} for diagnostics (identity is
 * always (job, partition, epoch)). Read from Airflow's context variables when present.
 */
public record AttemptInfo(
        String owner, String dagId, String runId, Integer tryNumber, Integer mapIndex, String traceId) {
    /** From {@code AIRFLOW_CTX_DAG_ID}, {@code AIRFLOW_CTX_DAG_RUN_ID}, {@code AIRFLOW_CTX_TRY_NUMBER}, {@code AIRFLOW_CTX_MAP_INDEX}. */
    public static AttemptInfo fromEnv(Map<String, String> env, String owner, String traceId) {
        return new AttemptInfo(
                owner,
                env.get("AIRFLOW_CTX_DAG_ID"),
                env.get("AIRFLOW_CTX_DAG_RUN_ID"),
                integer(env.get("AIRFLOW_CTX_TRY_NUMBER")),
                integer(env.get("AIRFLOW_CTX_MAP_INDEX")),
                traceId);
    }

    private static Integer integer(String text) {
        try {
            return text == null ? null : Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
