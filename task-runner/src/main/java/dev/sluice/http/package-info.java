/**
 * Talking HTTP to an untrusted API: which origins receive credentials ({@link
 * dev.sluice.http.OriginPolicy}), credentials applied per request ({@link dev.sluice.http.Credential}),
 * and one bounded exchange (time, size, redirects) per call. Used by the pull source and by
 * per-record calls. Entry type: {@link dev.sluice.http.HttpExchange}.
 */
package dev.sluice.http;
