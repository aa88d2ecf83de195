package dev.sluice.bench.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The PostgreSQL settings that decide write and commit costs, recorded with every result. */
public final class ServerFacts {
    private ServerFacts() {}

    public static Map<String, String> of(Jdbi jdbi) {
        Map<String, String> facts = new LinkedHashMap<>();
        jdbi.useHandle(h -> {
            facts.put(
                    "version",
                    h.createQuery("SHOW server_version").mapTo(String.class).one());
            h.createQuery("""
                    SELECT name, setting || coalesce(unit, '') AS value FROM pg_settings
                    WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers',
                                   'temp_buffers', 'max_connections', 'checkpoint_timeout', 'max_wal_size')
                    ORDER BY name""")
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
                    .forEach(e -> facts.put(e.getKey(), e.getValue()));
        });
        return facts;
    }
}
