/**
 * Row conversion, the sink table's DDL checks, the page write (statement and function) and its
 * binary text arrays. Not for use outside
 * {@code dev.sluice.sink.postgres}.
 */
package dev.sluice.sink.postgres.internal;
