package dev.sluice.http;

import dev.sluice.Masking;
import dev.sluice.config.Secret;
import dev.sluice.http.internal.QueryParams;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Supplier;

/**
 * How requests prove who sends them. {@link HttpExchange} applies a credential at the last moment,
 * to each request whose origin the {@link OriginPolicy} trusts, and to no other: a credential is
 * never part of a {@link Request}, a stored URL or a message. Implement it for other schemes, as
 * {@link OAuth2Credential} does with {@link #current()} and {@link #renew}.
 */
public interface Credential {
    /** No credential. */
    Credential NONE = target -> {};

    /** Where a credential goes on a request bound for a trusted origin. */
    interface Target {
        /** Sets a request header. */
        void header(String name, String value);

        /** Adds a query parameter. */
        void query(String name, String value);
    }

    /** Adds this credential to a request bound for a trusted origin. */
    void apply(Target request);

    /**
     * The credential to apply to one exchange, all its hops: itself, or for a token cache (OAuth2)
     * the token it holds now, fetched first when it has none or it is about to expire.
     *
     * @throws dev.sluice.SluiceException when a token cannot be obtained
     */
    default Credential current() {
        return this;
    }

    /**
     * Called once after a trusted origin answered 401 to an exchange that carried {@code sent} (what
     * {@link #current()} gave): true when a new credential is ready and the request is worth sending
     * once more. Concurrent callers rejected with the same token share one renewal.
     */
    default boolean renew(Credential sent) {
        return false;
    }

    /**
     * {@code uri} without anything of this credential, for URLs that are stored or sent elsewhere:
     * every parameter carrying its value, under any name and however encoded (an API that echoes
     * the key or token in its next links), and a query credential's own parameter, by name.
     */
    default URI strip(URI uri) {
        return uri;
    }

    /** {@code Authorization: Bearer <token>}. */
    static Credential bearer(Secret token) {
        return bearer(() -> token);
    }

    /** {@code Authorization: Bearer <token>}, the token asked for each request (e.g. an OAuth2 token cache). */
    static Credential bearer(Supplier<Secret> tokens) {
        return inHeader(
                target ->
                        target.header("Authorization", "Bearer " + tokens.get().reveal()),
                () -> tokens.get().reveal());
    }

    /** {@code Authorization: Basic base64(user:password)} (RFC 7617). */
    static Credential basic(String user, Secret password) {
        String pair = user + ":" + password.reveal();
        Masking.register(pair); // an echo of the header's Base64 is the password
        String encoded = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        return inHeader(target -> target.header("Authorization", "Basic " + encoded), password::reveal, () -> encoded);
    }

    /** An API key header, e.g. {@code X-Api-Key}. */
    static Credential header(String name, Secret value) {
        return inHeader(target -> target.header(name, value.reveal()), value::reveal);
    }

    /** A credential sent in a header, whose values an API may still echo in a link's query. */
    @SafeVarargs
    private static Credential inHeader(Credential applied, Supplier<String>... values) {
        return new Credential() {
            @Override
            public void apply(Target target) {
                applied.apply(target);
            }

            @Override
            public URI strip(URI uri) {
                URI out = uri;
                for (Supplier<String> value : values) {
                    out = QueryParams.remove(out, null, value.get());
                }
                return out;
            }
        };
    }

    /** An API key query parameter, e.g. {@code ?api_key=...}. */
    static Credential query(String name, Secret value) {
        return new Credential() {
            @Override
            public void apply(Target target) {
                target.query(name, value.reveal());
            }

            @Override
            public URI strip(URI uri) {
                return QueryParams.remove(uri, name, value.reveal());
            }
        };
    }
}
