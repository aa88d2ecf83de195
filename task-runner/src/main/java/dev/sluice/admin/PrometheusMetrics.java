package dev.sluice.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /metrics} in the Prometheus text format (0.0.4), computed at each scrape from the shared
 * tables, so one scrape of one server sees the work of every runner process on every machine.
 * Counters come from {@code sluice_attempt} (an attempt's calls, 429s, retries and permit wait are
 * written at each heartbeat and when it ends, so a running attempt shows with a lag of at most a
 * heartbeat, and a killed one loses what came after its last heartbeat) and the dead-letter table;
 * gauges from the partition, limit and breaker rows.
 */
final class PrometheusMetrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Jdbi jdbi;

    PrometheusMetrics(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    String scrape() {
        StringBuilder out = new StringBuilder();
        family(out, "sluice_partitions", "gauge", "Partitions by job and state.", """
                SELECT job, state, count(*) AS value FROM sluice_partition GROUP BY job, state ORDER BY job, state""");
        family(out, "sluice_attempts", "gauge", "Attempts by job and status.", """
                SELECT job, status, count(*) AS value FROM sluice_attempt GROUP BY job, status ORDER BY job, status""");
        family(out, "sluice_api_calls_total", "counter", "API calls of attempts (retries included).", """
                SELECT job, sum(api_calls) AS value FROM sluice_attempt GROUP BY job ORDER BY job""");
        family(out, "sluice_http_429_total", "counter", "429 (rate limited) answers attempts received.", """
                SELECT job, sum(http_429) AS value FROM sluice_attempt GROUP BY job ORDER BY job""");
        family(out, "sluice_retries_total", "counter", "Retries attempts scheduled.", """
                SELECT job, sum(retries) AS value FROM sluice_attempt GROUP BY job ORDER BY job""");
        family(out, "sluice_permit_wait_seconds_total", "counter", "Time attempts waited for limit permits.", """
                SELECT job, sum(permit_wait_ms) / 1000.0 AS value FROM sluice_attempt GROUP BY job ORDER BY job""");
        family(out, "sluice_pages_total", "counter", "Pages committed by attempts.", """
                SELECT job, sum(pages) AS value FROM sluice_attempt GROUP BY job ORDER BY job""");
        family(out, "sluice_records_total", "counter", "Records committed by attempts.", """
                SELECT job, sum(records) AS value FROM sluice_attempt GROUP BY job ORDER BY job""");
        family(out, "sluice_dead_letters_total", "counter", "Dead letters stored.", """
                SELECT job, count(*) AS value FROM sluice_dead_letter GROUP BY job ORDER BY job""");
        family(out, "sluice_limit_paused", "gauge", "1 while a limit is paused (Retry-After or by hand).", """
                SELECT name AS limit, CASE WHEN paused_until > now() THEN 1 ELSE 0 END AS value
                FROM sluice_limit ORDER BY name""");
        family(out, "sluice_limit_tokens", "gauge", "Tokens in a limit's first bandwidth as of its last take.", """
                SELECT name AS limit, coalesce(tokens[1], capacity[1]) AS value FROM sluice_limit
                WHERE capacity IS NOT NULL ORDER BY name""");
        family(out, "sluice_limit_version", "gauge", "A limit's configuration version.", """
                SELECT name AS limit, version AS value FROM sluice_limit ORDER BY name""");
        family(out, "sluice_breaker_open", "gauge", "1 while a breaker is open or half open.", """
                SELECT name AS breaker, CASE WHEN state = 'closed' THEN 0 ELSE 1 END AS value
                FROM sluice_breaker ORDER BY name""");
        family(out, "sluice_breaker_failures", "gauge", "Consecutive failed calls a breaker counts.", """
                SELECT name AS breaker, failures AS value FROM sluice_breaker ORDER BY name""");
        return out.toString();
    }

    /** One metric family: every column but {@code value} becomes a label. */
    private void family(StringBuilder out, String name, String type, String help, String sql) {
        List<Map<String, Object>> rows =
                jdbi.withHandle(h -> h.createQuery(sql).mapToMap().list());
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (Map<String, Object> row : rows) {
            out.append(name);
            String labels = String.join(
                    ",",
                    row.entrySet().stream()
                            .filter(e -> !e.getKey().equals("value"))
                            .map(e -> e.getKey() + "=\"" + escape(String.valueOf(e.getValue())) + "\"")
                            .toList());
            if (!labels.isEmpty()) {
                out.append('{').append(labels).append('}');
            }
            Number value = (Number) row.get("value");
            out.append(' ')
                    .append(value == null ? "0" : format(value.doubleValue()))
                    .append('\n');
        }
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
