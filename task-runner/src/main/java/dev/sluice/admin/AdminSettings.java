package dev.sluice.admin;

import java.util.Map;

/**
 * How {@code sluice serve} listens and whom it lets in.
 *
 * @param bind         the address to listen on (127.0.0.1 by default: a laptop or a sidecar)
 * @param port         the port; 0 picks a free one
 * @param token        {@code SLUICE_ADMIN_TOKEN}: mutations need it as a Bearer token; null makes the
 *                     server read-only
 * @param protectReads {@code SLUICE_ADMIN_PROTECT_READS=true}: reads need the token too (the page and
 *                     {@code /health} stay open, so a probe and a browser can reach them)
 */
public record AdminSettings(String bind, int port, String token, boolean protectReads) {
    public AdminSettings {
        token = token == null || token.isBlank() ? null : token;
        if (protectReads && token == null) {
            throw new IllegalArgumentException("SLUICE_ADMIN_PROTECT_READS=true needs SLUICE_ADMIN_TOKEN: set a token"
                    + " (e.g. openssl rand -hex 32), or leave reads open");
        }
    }

    /** The settings from the environment, with the command line's address. */
    public static AdminSettings fromEnv(Map<String, String> env, String bind, int port) {
        return new AdminSettings(
                bind,
                port,
                env.get("SLUICE_ADMIN_TOKEN"),
                "true".equalsIgnoreCase(env.getOrDefault("SLUICE_ADMIN_PROTECT_READS", "false")));
    }

    public boolean readOnly() {
        return token == null;
    }
}
