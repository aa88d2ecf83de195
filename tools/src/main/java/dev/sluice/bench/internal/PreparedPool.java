package dev.sluice.bench.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.db.DatabaseSettings;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * A second small pool to the bench's database with server-side prepared statements
 * ({@code prepareThreshold=1}), as a direct connection may use them: the same page path over it
 * shows what parsing and planning the page's statements on every page costs the default pool
 * ({@code prepareThreshold=0}, which PgBouncer's transaction pooling needs).
 */
final class PreparedPool {
    private PreparedPool() {}

    static Jdbi open(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password().reveal());
        }
        config.setPoolName("sluice-bench-prepared");
        config.setMaximumPoolSize(2);
        config.addDataSourceProperty("prepareThreshold", "1");
        config.addDataSourceProperty("binaryTransferEnable", "1185"); // as the runner's pool: binary timestamptz[]
        // The bench process ends with the bench; the pool goes with it.
        return Jdbi.create(new HikariDataSource(config)).installPlugin(new PostgresPlugin());
    }
}
