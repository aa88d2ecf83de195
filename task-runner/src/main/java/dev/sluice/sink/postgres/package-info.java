/**
 * The built-in PostgreSQL sink: {@code sink: {type: postgres}}, upserts by key. Entry type:
 * {@link dev.sluice.sink.postgres.PostgresSinkProvider}.
 */
package dev.sluice.sink.postgres;
