package dev.sluice.source.http;

import dev.sluice.config.Secret;
import dev.sluice.config.SpecCheck;
import dev.sluice.http.Credential;

/**
 * {@code auth:} of an HTTP source. Secrets come from the environment ({@code token: ${API_TOKEN}})
 * and are never logged.
 *
 * @param type     {@code bearer} (token), {@code basic} (username, password), {@code header}
 *                 (name, value) or {@code query} (name, value: an API key query parameter)
 * @param token    the bearer token
 * @param username the basic-auth user
 * @param password the basic-auth password
 * @param name     the header or query parameter name
 * @param value    the header or query parameter value
 */
public record AuthConfig(String type, Secret token, String username, Secret password, String name, Secret value) {
    /** The credential this section describes (after {@link #check}); {@link Credential#NONE} for no auth. */
    public static Credential credential(AuthConfig auth) {
        if (auth == null) {
            return Credential.NONE;
        }
        return switch (auth.type()) {
            case "bearer" -> Credential.bearer(auth.token());
            case "basic" -> Credential.basic(auth.username(), auth.password());
            case "header" -> Credential.header(auth.name(), auth.value());
            case "query" -> Credential.query(auth.name(), auth.value());
            default -> throw new IllegalStateException("auth type " + auth.type() + " passed the checks");
        };
    }

    public void check(SpecCheck check) {
        switch (type == null ? "" : type) {
            case "bearer" -> {
                requireSecret(check, "token", token);
                WireText.checkHeaderValue(check, "token", token);
            }
            case "basic" -> {
                check.require(username != null && !username.isEmpty(), "username", "is required for basic auth");
                checkUsername(check);
                requireSecret(check, "password", password);
            }
            case "header", "query" -> {
                check.require(
                        name != null && name.matches("[A-Za-z0-9_.-]+"),
                        "name",
                        "is required: the " + type + " name that carries the key");
                requireSecret(check, "value", value);
                if ("header".equals(type)) {
                    WireText.checkHeaderName(check, "name", name);
                    WireText.checkHeaderValue(check, "value", value);
                }
            }
            default -> check.fail("type", "must be one of bearer, basic, header, query");
        }
    }

    private void checkUsername(SpecCheck check) {
        if (username == null) {
            return;
        }
        String flaw = Secret.flaw(username);
        if (flaw != null) {
            check.failSecretValue("username", flaw);
        } else if (username.contains(":")) {
            check.failSecret("username", "a basic-auth user name cannot contain ':' (RFC 7617)");
        }
    }

    private static void requireSecret(SpecCheck check, String field, Secret secret) {
        if (secret == null || secret.isEmpty()) {
            check.failSecret(
                    field, "is required and must not be empty; write it as ${ENV_VAR} and export the variable");
        }
    }
}
