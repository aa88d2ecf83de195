package dev.sluice.http.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.Masking;
import dev.sluice.config.Secret;
import dev.sluice.http.ExchangeFailedException;
import dev.sluice.http.HttpExchange;
import dev.sluice.http.OAuth2Settings;
import dev.sluice.http.Request;
import dev.sluice.http.Response;
import dev.sluice.http.ResponseTooLargeException;
import dev.sluice.http.TokenFetchException;
import dev.sluice.http.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One token request (RFC 6749 4.4, 6): a form POST through an exchange with the source's time and
 * size bounds that trusts the token endpoint's origin only (a redirect elsewhere is refused, so
 * the client secret goes nowhere else). Every token it reads is registered for masking before
 * anything else sees it.
 */
public final class TokenEndpoint {
    private static final int EXCERPT = 300;

    private final OAuth2Settings settings;
    private final HttpExchange exchange;
    private final Map<String, Secret> clientHeaders;

    public TokenEndpoint(OAuth2Settings settings, HttpExchange exchange) {
        this.settings = settings;
        this.exchange = exchange;
        this.clientHeaders = settings.clientAuth() == OAuth2Settings.ClientAuth.BASIC ? basic(settings) : Map.of();
    }

    /** A granted access token and what came with it. */
    public record Grant(Secret accessToken, Duration expiresIn, Secret refreshToken) {}

    /**
     * Asks for a new access token.
     *
     * @param refreshToken the refresh token to use for the {@code refresh_token} grant
     * @throws TokenFetchException when none is granted
     */
    public Grant fetch(Secret refreshToken) throws InterruptedException {
        Response response;
        try {
            response = exchange.send(new Request(
                    "POST",
                    settings.tokenUrl(),
                    Map.of("Accept", "application/json", "Content-Type", "application/x-www-form-urlencoded"),
                    clientHeaders,
                    null,
                    form(refreshToken).getBytes(StandardCharsets.UTF_8),
                    null,
                    null,
                    null));
        } catch (ExchangeFailedException | ResponseTooLargeException e) {
            throw new TokenFetchException(
                    where() + " failed: " + e.getMessage() + "; the run can be retried", false, e);
        }
        if (response.status() == 200) {
            return parse(response);
        }
        boolean refused = response.status() == 400 || response.status() == 401;
        throw new TokenFetchException(
                where() + " answered " + response.status() + " "
                        + response.body().excerpt(EXCERPT)
                        + (refused
                                ? "; check auth.client_id, auth.client_secret, auth.scope and auth.refresh_token"
                                : "; the token endpoint is unavailable, the run can be retried"),
                refused,
                null);
    }

    private Grant parse(Response response) {
        JsonNode body;
        try (InputStream in = response.body().stream()) {
            body = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new TokenFetchException(where() + " answered 200 with a body that is not JSON", false, e);
        }
        if (body == null
                || !body.path("access_token").isTextual()
                || body.path("access_token").asText().isEmpty()) {
            throw new TokenFetchException(where() + " answered 200 without an access_token", false, null);
        }
        Secret access = new Secret(body.get("access_token").asText()); // registered for masking here
        Secret refresh = body.path("refresh_token").isTextual()
                ? new Secret(body.get("refresh_token").asText())
                : null;
        Duration lifetime = body.path("expires_in").canConvertToLong()
                        && body.get("expires_in").asLong() > 0
                ? Duration.ofSeconds(body.get("expires_in").asLong())
                : null;
        return new Grant(access, lifetime, refresh);
    }

    private String form(Secret refreshToken) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", settings.grant().wire());
        if (settings.grant() == OAuth2Settings.Grant.REFRESH_TOKEN) {
            fields.put("refresh_token", refreshToken.reveal());
        }
        if (settings.scope() != null && !settings.scope().isBlank()) {
            fields.put("scope", settings.scope());
        }
        if (settings.clientAuth() == OAuth2Settings.ClientAuth.BODY) {
            fields.put("client_id", settings.clientId());
            fields.put("client_secret", settings.clientSecret().reveal());
        }
        return fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** RFC 6749 2.3.1: id and secret form-encoded, joined by ':', then Base64. */
    private static Map<String, Secret> basic(OAuth2Settings settings) {
        String pair = encode(settings.clientId()) + ":"
                + encode(settings.clientSecret().reveal());
        Masking.register(pair);
        String encoded = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        return Map.of("Authorization", new Secret("Basic " + encoded));
    }

    private String where() {
        return "the OAuth2 token endpoint " + Urls.where(settings.tokenUrl());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
