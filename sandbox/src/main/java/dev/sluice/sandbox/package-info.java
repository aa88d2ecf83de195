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
 * (401), its cost in units (400 when invalid; per-record endpoints only), rate limits (429), then the faults drawn for admitted requests (latency, partition fail
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
 * <h2>Per-record API ("customer enrichment")</h2>
 *
 * <p>For per-record jobs: each input record (a customer id: an integer or a string, one path
 * segment, percent-encoded, at most 128 characters) is one call. Ids need not exist beforehand:
 * every id is a customer. Settings are {@link dev.sluice.sandbox.RecordsConfig} ({@code sluice
 * sandbox} options in brackets); names below are the defaults.
 *
 * <p>{@code POST /v1/customers/{id}/enrichment}, body a JSON object (any; the cost field is read
 * when unit limits are on). Applies the record's effect and answers 201 with
 * {@code {"customer_id", "segment", "score", "lifetime_value", "active", "attributes":
 * {"region", "tags"}, "enriched_at", "request_id"}}: every field but the last two is
 * {@link dev.sluice.sandbox.Enrichment#expected(String)} (types: number or text, text, double,
 * decimal as text, boolean, object), {@code enriched_at} is when the effect was applied (ISO-8601,
 * milliseconds), {@code request_id} names that application. Idempotency ({@code --idempotency
 * honour}, header {@code Idempotency-Key} [{@code --idempotency-header}], 1 to 255 characters):
 * the first request with a key applies the effect; a repeat with the same key, the same id and a
 * byte-identical body applies nothing and answers 200 with the first application's body and
 * {@code Idempotent-Replayed: true} (a replay); the same key with another body or id is 422
 * {@code idempotency_key_reused} and applies nothing. Concurrent requests with one key apply it
 * once. Without a key every request applies the effect. {@code --idempotency ignore}: keys are
 * counted but every request applies the effect. The effect is applied as soon as the request is
 * admitted, before the latency [{@code --record-latency 100ms} or {@code 80ms~120ms}] elapses, so
 * a client that dies while waiting leaves an applied effect it never heard of (in doubt).
 *
 * <p>{@code GET /v1/customers/{id}/enrichment}: 200 with the first application's body if the
 * effect was ever applied, else 404 {@code not_found}; never poisoned or malformed: what an
 * in-doubt check uses. {@code GET /v1/customers/{id}}: a side-effect-free lookup, 200 with
 * {@link dev.sluice.sandbox.CustomerProfile#of(String)} as JSON.
 *
 * <p>Poison ids [{@code --poison 7,13,every=50}, see {@link dev.sluice.sandbox.IdSet}] answer the
 * enrich and lookup endpoints 422 {@code {"error": "unprocessable_record", "message",
 * "customer_id"}}, apply nothing and store nothing under the key, so the same key succeeds once
 * the API is fixed. Malformed ids [{@code --malformed IDS}, {@code --malformed-kind}] keep their
 * status (201, 200, replays too) and effect but get a broken body
 * ({@link dev.sluice.sandbox.MalformedKind}: HTML instead of JSON, only {@code customer_id}, or
 * numbers and booleans as strings); the stored application is re-rendered on replay, so after the
 * fix a replay is well-formed. {@code POST /_sandbox/records/fix} (or
 * {@link dev.sluice.sandbox.Sandbox#fixRecords()}) clears both sets.
 *
 * <p>These endpoints go through the same gate as the others (outage, auth, limits, faults: an
 * injected 500/503 applies nothing; an injected reset or malformed answer comes after the effect),
 * with two differences. Auth: with OAuth on [{@code --oauth-client-id}, {@code
 * --oauth-client-secret}] they need {@code Authorization: Bearer ACCESS_TOKEN} from the token
 * endpoint, valid and not revoked, else 401 with {@code WWW-Authenticate: Bearer realm="sandbox"}
 * (no token, body {@code missing_token}) or {@code Bearer realm="sandbox", error="invalid_token",
 * error_description="..."} (unknown, expired or revoked: body {@code invalid_token}); the static
 * {@code --token} then does not apply to them. (The orders and events endpoints then take the
 * static token or a current access token: an expired or revoked one is the same 401.) Cost: unit limits [{@code --unit-limit 100000/1m},
 * same form as {@code --limit}] apply with the request limits, all or nothing, under the same
 * lock and {@code Retry-After} rules; a request's cost is its {@code X-Cost} header
 * [{@code --cost-header}], else for a POST the body field {@code tokens} [{@code --cost-field},
 * a dotted path such as {@code usage.tokens}]; a GET without the header costs 0. A POST without a
 * cost is 400 {@code missing_cost}; a cost that is not a whole number &gt;= 0 is 400
 * {@code invalid_cost}; one above the smallest unit limit's capacity is 400
 * {@code cost_exceeds_limit} (it could never be admitted). A 429 from a unit limit names it in
 * {@code RateLimit} ({@code "units";r=0;t=N}) and the {@code X-RateLimit-*} headers;
 * {@code RateLimit-Policy} lists request limits only. Poison and reused-key answers come after
 * admission, so they use quota.
 *
 * <p>{@code POST /oauth/token} ({@code application/x-www-form-urlencoded}, RFC 6749):
 * {@code grant_type=client_credentials} or
 * {@code grant_type=refresh_token&refresh_token=R}, client authenticated by HTTP Basic or by
 * {@code client_id}/{@code client_secret} fields; answers {@code {"access_token", "token_type":
 * "Bearer", "expires_in", "refresh_token"}} (a refresh returns the same refresh token); errors
 * {@code {"error", "error_description"}} with 400 {@code invalid_request},
 * {@code unsupported_grant_type}, {@code invalid_grant} or 401 {@code invalid_client}; 404 when
 * OAuth is off. Tokens live {@code --oauth-token-lifetime} (default 1h) by the sandbox clock. Not
 * rate limited, no faults, no outages.
 *
 * <p>Ground truth: {@code GET /_sandbox/records/{id}} ({@link dev.sluice.sandbox.RecordReport}:
 * effects, requests by endpoint and status, keys, duplicates, replays, reuses, poison, malformed,
 * traceparent headers); {@code GET /_sandbox/records} ({@code {"summary": RecordStats,
 * "applied_twice": [first 1000 ids], "applied_twice_truncated"}}); the {@code records},
 * {@code oauth} and {@code limit_peaks} parts of {@code /_sandbox/stats}
 * ({@link dev.sluice.sandbox.RecordStats}, {@link dev.sluice.sandbox.OAuthStats},
 * {@link dev.sluice.sandbox.LimitPeak}); {@code POST /_sandbox/records/reset} forgets every
 * record and key ({@code POST /_sandbox/reset} keeps them); {@code POST /_sandbox/oauth/revoke}
 * revokes every access token ({@code ?refresh_tokens=true}: refresh tokens too) and answers
 * {@code {"revoked": N}}. {@code POST /_sandbox/config} also takes {@code record_latency},
 * {@code idempotency}, {@code idempotency_header}, {@code poison}, {@code malformed} (text or
 * null), {@code malformed_kind}, {@code unit_limits} (array), {@code cost_field},
 * {@code cost_header} and {@code oauth_token_lifetime}; the view shows them under
 * {@code records}. Token and secret values are never served; Java tests read them with
 * {@link dev.sluice.sandbox.Sandbox#secrets()}. Memory grows with distinct ids and keys, not
 * with requests (lists per id are capped, totals exact): about 0.5 KB per id after one keyed,
 * traced POST, 0.2 KB after one lookup.
 *
 * <p>Implementations live in {@code internal}; other packages never import it.
 */
package dev.sluice.sandbox;
