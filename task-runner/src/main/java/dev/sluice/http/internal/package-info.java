/** The bounded body reader, query-parameter surgery and the outgoing request of one hop. Not for use outside {@code dev.sluice.http}. */
package dev.sluice.http.internal;
