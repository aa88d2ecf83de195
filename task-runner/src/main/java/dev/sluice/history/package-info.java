/**
 * Shared history of the limits (issue 9 §3): a per-limit, per-second time series that every
 * process adds to ({@link dev.sluice.history.LimitHistory}), and read-only views of each limit,
 * breaker and series ({@link dev.sluice.history.LimitViews}) for {@code sluice limits} and the
 * admin server.
 */
package dev.sluice.history;
