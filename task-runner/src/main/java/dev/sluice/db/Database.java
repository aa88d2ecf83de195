package dev.sluice.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.sluice.SluiceException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The Sluice database of one process: a small Hikari pool and Jdbi over it. Opening it checks the
 * connection, so bad settings fail before anything else happens.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final DatabaseSettings settings;

    private Database(HikariDataSource pool, DatabaseSettings settings) {
        this.pool = pool;
        this.settings = settings;
        this.jdbi = Jdbi.create(pool).installPlugin(new PostgresPlugin()).registerArgument(new MaskedText());
        jdbi.getConfig(SqlStatements.class).setSqlParser(new ColonParameters()); // Jdbi's syntax, no ANTLR start-up
    }

    /**
     * Connects, failing with {@link DatabaseConfigException} (exit 78) or
     * {@link DatabaseUnavailableException} (exit 75).
     *
     * @param application shows in {@code pg_stat_activity.application_name}
     */
    public static Database open(DatabaseSettings settings, String application) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.url());
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password().reveal());
        }
        config.setPoolName("sluice");
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        config.setInitializationFailTimeout(1);
        config.addDataSourceProperty(
                "ApplicationName", application.length() > 60 ? application.substring(0, 60) : application);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // No named server-side prepared statements: behind PgBouncer in transaction pooling mode the
        // next transaction may run on another server session, where "S_1" does not exist (or another
        // client's does). Unnamed statements cost a parse per execution and still one round trip.
        // A `prepareThreshold` in SLUICE_DB_URL wins (direct connections may set it back to 5).
        config.addDataSourceProperty("prepareThreshold", "0");
        // The postgres sink sends timestamp columns as binary timestamptz[] (pgjdbc sends that type in
        // text unless told; Sluice reads no timestamptz[] back).
        config.addDataSourceProperty("binaryTransferEnable", "1185");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("connectTimeout", "10");
        try {
            return new Database(new HikariDataSource(config), settings);
        } catch (HikariPool.PoolInitializationException e) {
            SluiceException known = DatabaseErrors.classify(e, settings.safeUrl());
            throw known != null
                    ? known
                    : new DatabaseUnavailableException(
                            "cannot open a connection to " + settings.safeUrl() + ": " + e.getMessage(), e);
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        pool.close();
    }
}
