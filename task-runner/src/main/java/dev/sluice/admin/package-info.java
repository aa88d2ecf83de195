/**
 * {@code sluice serve}: the admin server. A JSON REST API (described by {@code /openapi.json}) over
 * the shared tables, Prometheus {@code /metrics} computed from them (one scrape sees every
 * process's work), {@code /health}, and the page that shows and steers partitions, limits,
 * breakers and dead letters. Mutations need the admin token; without one the server is read-only.
 * Entry type: {@link AdminServer}.
 */
package dev.sluice.admin;
