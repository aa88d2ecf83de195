/** The bounded body reader, query-parameter surgery, the outgoing request of one hop and the per-scheme JDK clients. Not for use outside {@code dev.sluice.http}. */
package dev.sluice.http.internal;
