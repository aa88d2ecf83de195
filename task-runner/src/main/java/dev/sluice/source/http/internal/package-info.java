/**
 * Pagination strategies, request building and the HTTP source itself. Not for use outside
 * {@code dev.sluice.source.http}.
 */
package dev.sluice.source.http.internal;
