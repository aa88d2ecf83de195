package dev.sluice.source.http;

import dev.sluice.config.SpecCheck;
import dev.sluice.http.Origin;
import java.net.URI;
import java.util.List;
import java.util.Set;

/** The rules of {@code auth: {type: oauth2, ...}}: what is required, and where the client secret may go. */
final class OAuth2Check {
    private static final Set<String> GRANTS = Set.of("client_credentials", "refresh_token");
    private static final Set<String> CLIENT_AUTHS = Set.of("basic", "body");

    private OAuth2Check() {}

    static void check(AuthConfig auth, SpecCheck check, String url, List<String> allowedOrigins) {
        checkTokenUrl(check, auth.tokenUrl(), url, allowedOrigins);
        check.require(
                auth.clientId() != null && !auth.clientId().isBlank(),
                "client_id",
                "is required for oauth2: the client id the token endpoint knows");
        AuthConfig.requireSecret(check, "client_secret", auth.clientSecret());
        String grant = auth.grant() == null ? "client_credentials" : auth.grant();
        check.require(GRANTS.contains(grant), "grant", "must be client_credentials (default) or refresh_token");
        if (grant.equals("refresh_token")) {
            AuthConfig.requireSecret(check, "refresh_token", auth.refreshToken());
        } else if (auth.refreshToken() != null) {
            check.failSecret("refresh_token", "is only used with grant: refresh_token; remove it or set the grant");
        }
        check.require(
                auth.clientAuth() == null || CLIENT_AUTHS.contains(auth.clientAuth()),
                "client_auth",
                "must be basic (default: HTTP Basic, RFC 6749 2.3.1) or body (client_id and client_secret form fields)");
    }

    /** The client secret goes to the token URL: https, or an origin the spec already trusts. */
    private static void checkTokenUrl(SpecCheck check, String tokenUrl, String url, List<String> allowedOrigins) {
        if (tokenUrl == null || tokenUrl.isBlank()) {
            check.fail("token_url", "is required for oauth2, e.g. token_url: https://auth.example.com/oauth/token");
            return;
        }
        Origin origin;
        try {
            origin = Origin.of(URI.create(tokenUrl));
        } catch (IllegalArgumentException e) {
            check.fail("token_url", "must be an absolute http:// or https:// URL");
            return;
        }
        if (URI.create(tokenUrl).getRawUserInfo() != null) {
            check.failSecret("token_url", "put the client under client_id and client_secret, not in the url");
        }
        if (!origin.secure() && !trusted(origin, url, allowedOrigins)) {
            check.fail(
                    "token_url",
                    "is plain http on " + origin + ", which is neither the source url's origin nor in "
                            + "allowed_origins; the client secret goes only over https or to an origin the spec trusts");
        }
    }

    private static boolean trusted(Origin origin, String url, List<String> allowedOrigins) {
        try {
            if (url != null && origin.equals(Origin.of(URI.create(Templates.placeholder(url))))) {
                return true;
            }
        } catch (IllegalArgumentException notYetValid) {
            // the url's own check reports it
        }
        for (String allowed : allowedOrigins) {
            try {
                if (origin.equals(Origin.parse(allowed))) {
                    return true;
                }
            } catch (IllegalArgumentException reported) {
                // OriginPolicy.check reports it
            }
        }
        return false;
    }
}
