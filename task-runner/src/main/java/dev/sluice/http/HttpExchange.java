package dev.sluice.http;

import dev.sluice.http.internal.BoundedBody;
import dev.sluice.http.internal.Outgoing;
import dev.sluice.http.internal.SchemeClients;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks HTTP to an untrusted API, one bounded exchange at a time:
 *
 * <ul>
 *   <li>the credential, the secret headers and the traceparent are added per hop, only for
 *       origins the {@link OriginPolicy} trusts; a redirect elsewhere gets none of them;
 *   <li>redirects are followed here (the JDK client never follows any): at most
 *       {@code max_redirects}, each hop admitted by the policy like a link;
 *   <li>{@code timeout} bounds the whole exchange: connecting, the headers, every redirect and the
 *       whole body; past it the exchange is cancelled and its connection closed;
 *   <li>a body over {@code max_response_size} is refused without being held in memory;
 *   <li>a 401 from a trusted origin renews the credential once when it can (an OAuth2 token
 *       revoked or expired early) and sends the request once more.
 * </ul>
 *
 * One per spec section (a source, a per-record call); thread-safe. It neither retries nor takes
 * permits: the call gate does, around each {@link #send}.
 */
public final class HttpExchange implements AutoCloseable {
    private static final String USER_AGENT = "sluice/" + version();
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final SchemeClients clients;
    private final HttpConfig config;
    private final OriginPolicy policy;
    private final Credential credential;

    private HttpExchange(SchemeClients clients, HttpConfig config, OriginPolicy policy, Credential credential) {
        this.clients = clients;
        this.config = config;
        this.policy = policy;
        this.credential = credential;
    }

    /**
     * An exchange with its own HTTP clients (HTTP/1.1, virtual threads, no automatic redirects; the
     * TLS one built on the first {@code https} request: {@link SchemeClients}).
     */
    public static HttpExchange open(HttpConfig config, OriginPolicy policy, Credential credential) {
        Duration connect =
                config.connectTimeout().compareTo(config.timeout()) < 0 ? config.connectTimeout() : config.timeout();
        return new HttpExchange(new SchemeClients(connect), config, policy, credential);
    }

    public OriginPolicy policy() {
        return policy;
    }

    /**
     * Admits a link the API gave (next link, {@code Link} header) and returns it as it may be stored
     * and followed: absolute, without user info, fragment or anything of the credential.
     *
     * @param from the URL of the answer that carried the link
     * @param what what the link is, for messages
     * @throws LinkRefusedException when the policy refuses it
     */
    public URI follow(URI from, String link, String what) {
        return credential.strip(policy.admit(from, link, what));
    }

    /**
     * Sends a request, following redirects, within its bounds.
     *
     * @throws ExchangeFailedException     no complete answer in time, or the connection failed
     * @throws ResponseTooLargeException   the body is over the size bound
     * @throws LinkRefusedException        a redirect the policy refuses, or too many of them
     * @throws InterruptedException        the thread was interrupted (the exchange is cancelled)
     */
    public Response send(Request request) throws InterruptedException {
        Credential used = credential.current();
        Response response = send(request, used);
        if (response.status() == 401 && policy.trusts(response.uri()) && credential.renew(used)) {
            // the token was revoked or expired early: one new token, one more try; a second 401 stands
            return send(request, credential.current());
        }
        return response;
    }

    private Response send(Request request, Credential used) throws InterruptedException {
        Duration bound = request.timeout() == null || request.timeout().compareTo(config.timeout()) > 0
                ? config.timeout()
                : request.timeout();
        long limit = request.maxResponseSize() == null
                ? config.maxResponseSize().bytes()
                : Math.min(
                        request.maxResponseSize().bytes(),
                        config.maxResponseSize().bytes());
        long deadline = System.nanoTime() + bound.toNanos();
        Request hop = request.redirected(request.method(), webUri(request), true);
        for (int redirects = 0; ; redirects++) {
            Response response = once(hop, used, deadline, bound, limit);
            Optional<String> location = REDIRECTS.contains(response.status())
                    ? response.headers().firstValue("Location")
                    : Optional.empty();
            if (location.isEmpty()) {
                return response;
            }
            if (redirects == config.maxRedirects()) {
                throw new LinkRefusedException(request + " was redirected more than max_redirects = "
                        + config.maxRedirects() + " times (last to " + Urls.where(hop.uri()) + "); the run stops");
            }
            hop = next(hop, response.status(), follow(hop.uri(), location.get(), "redirect"));
        }
    }

    private URI webUri(Request request) {
        try {
            Origin.of(request.uri());
        } catch (IllegalArgumentException e) {
            throw new LinkRefusedException(request.method() + " " + Urls.where(request.uri())
                    + " is not an http(s) URL; Sluice sends nothing there");
        }
        return credential.strip(request.uri());
    }

    /** 303, and 301/302 after a POST, continue as a GET without body (as browsers do); 307/308 keep both. */
    private static Request next(Request hop, int status, URI target) {
        boolean toGet = (status == 303 && !hop.method().equals("HEAD"))
                || ((status == 301 || status == 302) && hop.method().equals("POST"));
        return toGet ? hop.redirected("GET", target, false) : hop.redirected(hop.method(), target, true);
    }

    private Response once(Request hop, Credential used, long deadline, Duration bound, long limit)
            throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw ExchangeFailures.timedOut(hop, bound, null);
        }
        HttpRequest outgoing = Outgoing.build(
                hop.method(),
                hop.uri(),
                publicHeaders(hop),
                policy.trusts(hop.uri()) ? new Outgoing.Trusted(trustedHeaders(hop), used) : null,
                hop.body(),
                Duration.ofNanos(left));
        CompletableFuture<HttpResponse<ResponseBody>> answer =
                clients.forUri(hop.uri()).sendAsync(outgoing, BoundedBody.handler(limit, REDIRECTS::contains));
        try {
            HttpResponse<ResponseBody> response = answer.get(left, TimeUnit.NANOSECONDS);
            return new Response(response.statusCode(), response.headers(), response.body(), hop.uri());
        } catch (TimeoutException e) {
            answer.cancel(true); // closes the connection: a stalled API keeps nothing of ours
            throw ExchangeFailures.timedOut(hop, bound, e);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw ExchangeFailures.of(hop, bound, limit, e.getCause());
        }
    }

    private static Map<String, String> publicHeaders(Request hop) {
        Map<String, String> headers = new LinkedHashMap<>(hop.headers());
        headers.put("User-Agent", USER_AGENT);
        return headers;
    }

    private static Map<String, String> trustedHeaders(Request hop) {
        Map<String, String> headers = new LinkedHashMap<>();
        hop.secretHeaders().forEach((name, value) -> headers.put(name, value.reveal()));
        if (hop.traceparent() != null) {
            headers.put("traceparent", hop.traceparent());
        }
        return headers;
    }

    private static String version() {
        String v = HttpExchange.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Aborts what is still in flight and releases the clients. */
    @Override
    public void close() {
        clients.close();
        if (credential instanceof OAuth2Credential oauth) {
            oauth.close();
        }
    }
}
