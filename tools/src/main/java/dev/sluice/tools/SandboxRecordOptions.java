package dev.sluice.tools;

import dev.sluice.sandbox.DurationText;
import dev.sluice.sandbox.IdSet;
import dev.sluice.sandbox.IdempotencyMode;
import dev.sluice.sandbox.LatencyRange;
import dev.sluice.sandbox.LimitMode;
import dev.sluice.sandbox.LimitSpec;
import dev.sluice.sandbox.MalformedKind;
import dev.sluice.sandbox.OAuthConfig;
import dev.sluice.sandbox.RecordsConfig;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The per-record options of {@code sluice sandbox} ({@code /v1/customers/{id}...} and OAuth2).
 * Values are parsed in {@link #config(LimitMode)}, whose errors name the setting, value and rule.
 */
final class SandboxRecordOptions {
    @Option(
            names = "--record-latency",
            paramLabel = "DURATION[~DURATION]",
            defaultValue = "0ms",
            description = "Delay of each per-record answer, after its effect was applied: fixed (100ms)"
                    + " or uniform in a range (80ms~120ms) (default: ${DEFAULT-VALUE}).")
    String latency;

    @Option(
            names = "--idempotency",
            paramLabel = "MODE",
            defaultValue = "honour",
            description = "honour: a repeated key with the same body replays the first answer (200,"
                    + " Idempotent-Replayed: true) and applies nothing, another body is a 422;"
                    + " ignore: every POST applies its effect (default: ${DEFAULT-VALUE}).")
    String idempotency;

    @Option(
            names = "--idempotency-header",
            paramLabel = "NAME",
            defaultValue = "Idempotency-Key",
            description = "Header carrying idempotency keys (default: ${DEFAULT-VALUE}).")
    String idempotencyHeader;

    @Option(
            names = "--poison",
            paramLabel = "IDS",
            description = "Ids answered 422 unprocessable_record (no effect), e.g. 7,13,every=50;"
                    + " every=N selects integer ids divisible by N (other ids: by FNV-1a hash).")
    String poison;

    @Option(
            names = "--malformed",
            paramLabel = "IDS",
            description = "Ids answered with a malformed body (status and effect unchanged); same form as --poison.")
    String malformed;

    @Option(
            names = "--malformed-kind",
            paramLabel = "KIND",
            defaultValue = "mixed",
            description =
                    "not_json, missing_fields, wrong_type, or mixed (one of them per id) (default: ${DEFAULT-VALUE}).")
    String malformedKind;

    @Option(
            names = "--unit-limit",
            paramLabel = "SPEC",
            description = "A limit in units of cost (e.g. tokens per minute) on per-record requests,"
                    + " repeatable, same form as --limit, e.g. 100000/1m; applies with the request limits.")
    List<String> unitLimits;

    @Option(
            names = "--cost-field",
            paramLabel = "PATH",
            defaultValue = "tokens",
            description = "Dotted path of a POST body's cost for --unit-limit (default: ${DEFAULT-VALUE}).")
    String costField;

    @Option(
            names = "--cost-header",
            paramLabel = "NAME",
            defaultValue = "X-Cost",
            description = "Header carrying a request's cost; wins over the body (default: ${DEFAULT-VALUE}).")
    String costHeader;

    @Option(
            names = "--oauth-client-id",
            paramLabel = "ID",
            description = "Turns on OAuth2 (POST /oauth/token) for the per-record endpoints, for this client.")
    String oauthClientId;

    @Option(
            names = "--oauth-client-secret",
            paramLabel = "SECRET",
            description = "The OAuth2 client's secret (never logged).")
    String oauthClientSecret;

    @Option(
            names = "--oauth-token-lifetime",
            paramLabel = "DURATION",
            defaultValue = "1h",
            description = "How long an access token is valid, at least 1s (default: ${DEFAULT-VALUE}).")
    String oauthTokenLifetime;

    /** The per-record settings; unit limits without a prefix take {@code limitMode}. */
    RecordsConfig config(LimitMode limitMode) {
        List<LimitSpec> units = unitLimits == null
                ? List.of()
                : unitLimits.stream().map(t -> LimitSpec.parse(t, limitMode)).toList();
        return new RecordsConfig(
                LatencyRange.parse("record latency", latency),
                IdempotencyMode.parse(idempotency),
                idempotencyHeader,
                IdSet.parse("poison", poison),
                IdSet.parse("malformed", malformed),
                MalformedKind.parse(malformedKind),
                units,
                costField,
                costHeader,
                new OAuthConfig(
                        oauthClientId,
                        oauthClientSecret,
                        DurationText.parse("oauth token lifetime", oauthTokenLifetime)));
    }
}
