/**
 * The sandbox: a strict, deterministic fake of a paginated, rate-limited API. It is the ground
 * truth for demos, end-to-end tests and benchmarks: it serves the same records for the same seed,
 * enforces its rate limits exactly, injects faults on demand and counts everything it saw.
 *
 * <p>Start it in process with {@link dev.sluice.sandbox.Sandbox#start(SandboxConfig)}, or from the
 * command line with {@code sluice sandbox}. Compute what a loader should have loaded with
 * {@link dev.sluice.sandbox.Dataset}, and read what the sandbox saw with
 * {@link dev.sluice.sandbox.Sandbox#stats()}.
 *
 * <h2>HTTP API</h2>
 *
 * <p>{@code GET /v1/orders?partition=P} serves one page of partition P (any string). Paging
 * styles, all answered by the same response: {@code page} (1-based) with {@code page_size}
 * (default 100, at most 1000); {@code offset} with {@code limit}; {@code cursor} (opaque, from
 * {@code next_cursor}). Precedence: cursor, then offset, then page; {@code limit} over
 * {@code page_size}. {@code updated_since=ISO_INSTANT} keeps records with
 * {@code updated_at >= since}, ordered by {@code updated_at} then {@code id}, and paging applies
 * within them. Body: {@code data} (see {@link dev.sluice.sandbox.Order}), {@code page},
 * {@code page_size}, {@code total} (after the filter), {@code has_more}, {@code next} (absolute URL
 * with a cursor, or null), {@code next_cursor}; header {@code Link: <next>; rel="next"} when there
 * is a next page. A missing partition or a bad parameter is a 400
 * {@code {"error": CODE, "message": ...}}.
 *
 * <p>{@code POST /v1/events} with a JSON object body and an {@code Idempotency-Key} header: 201
 * {@code {"id", "idempotency_key", "received_at", "event"}} the first time, 200 with the very same
 * body for a repeat (counted as a duplicate); 400 without a key.
 *
 * <p>Every API request goes through, in order: outage (503), bearer auth when a token is set
 * (401), rate limits (429), then the faults drawn for admitted requests (latency, partition fail
 * windows and injected errors answer 503/500; resets break the connection mid-body;
 * malformed answers 200 with truncated JSON). Responses the limiter decided carry
 * {@code RateLimit-Policy: "default";q=50;w=1, ...} (every limit),
 * {@code RateLimit: "NAME";r=REMAINING;t=SECONDS_TO_RESET} and {@code X-RateLimit-Limit},
 * {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset} (epoch seconds), for the tightest limit
 * or the one that refused; a 429 adds {@code Retry-After} in whole seconds, rounded up.
 *
 * <p>Admin endpoints (neither rate limited nor counted): {@code GET /_sandbox/health};
 * {@code GET /_sandbox/stats} ({@link dev.sluice.sandbox.SandboxStats} as snake_case JSON);
 * {@code POST /_sandbox/reset} (zeroes the stats); {@code GET /_sandbox/orders?partition=P}
 * (ground truth: {@code {"partition", "count", "orders": [...]}}, every record of P in one answer,
 * under the current seed and counts); {@code GET /_sandbox/config} and
 * {@code POST /_sandbox/config}, whose JSON body may hold any of: {@code limits} (array of limit
 * specs, [] for none), {@code limit_mode} (mode of unprefixed specs in {@code limits}),
 * {@code retry_after_floor}, {@code error_rate}, {@code reset_rate}, {@code malformed_rate},
 * {@code latency}, {@code latency_jitter}, {@code outages} (array of {@code LENGTH@AFTER},
 * relative to the start), {@code outage} (a duration from now; {@code "0s"} ends runtime outages),
 * {@code fail_first} ({@code {"partition": K}}: its next K admitted requests fail), {@code fail_at}
 * ({@code {"partition": "N+K"}}: its next N succeed, the K after them fail, e.g. to fail a
 * partition after it committed N pages), {@code token} (string or null), {@code seed},
 * {@code records_per_partition}, {@code records_spread}. Durations are text such as
 * {@code "250ms"} or {@code "10s"}. Unknown fields and invalid values are a 400 that changes
 * nothing; the answer is the configuration in force, with the token shown only as
 * {@code "auth": true}.
 *
 * <p>Implementations live in {@code internal}; other packages never import it.
 */
package dev.sluice.sandbox;
