/**
 * Sluice task runner: runs one partition of an API integration job with shared rate limits,
 * retries, breakers and watermarks in PostgreSQL. Capabilities live in their own packages
 * ({@code config}, {@code partition}, {@code source}, {@code sink}, {@code watermark},
 * {@code lease}, {@code db}, {@code cli}, ...); each exposes one entry type and keeps its
 * implementations in {@code internal}.
 */
package dev.sluice;
