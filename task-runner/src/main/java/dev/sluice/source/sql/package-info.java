/**
 * The {@code sql} source: the rows of a query over the Sluice database (another job's sink table,
 * say), in key order, with the partition's variables bound as parameters. Entry type:
 * {@link dev.sluice.source.sql.SqlSourceProvider}.
 */
package dev.sluice.source.sql;
