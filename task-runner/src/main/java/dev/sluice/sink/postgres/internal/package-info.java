/**
 * Row conversion, the sink table's DDL checks, COPY staging and the upsert. Not for use outside
 * {@code dev.sluice.sink.postgres}.
 */
package dev.sluice.sink.postgres.internal;
