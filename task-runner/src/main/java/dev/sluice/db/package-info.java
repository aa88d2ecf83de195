/**
 * The Sluice database: settings, the connection pool, Flyway migrations, the embedded default, and
 * sorting database failures into configuration errors and outages. Entry type: {@link dev.sluice.db.Database}.
 */
package dev.sluice.db;
