/**
 * The built-in HTTP pull source: {@code source: {type: http}}. Entry type:
 * {@link dev.sluice.source.http.HttpSourceProvider}.
 */
package dev.sluice.source.http;
