package dev.sluice.http.internal;

import dev.sluice.http.Credential;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK request for one hop: the request's own headers for every origin; the credential, the
 * secret headers and the traceparent added here, at the last moment, only when the caller says the
 * hop's origin is trusted.
 */
public final class Outgoing implements Credential.Target {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private URI uri;

    private Outgoing(URI uri) {
        this.uri = uri;
    }

    /**
     * @param method   the HTTP method
     * @param uri      where the hop goes, without credentials
     * @param headers  headers for every origin
     * @param trusted  headers and credential for a trusted origin only, or null for none
     * @param body     the body, or null
     * @param timeout  the JDK client's own bound for this hop (the caller bounds the body too)
     */
    public static HttpRequest build(
            String method, URI uri, Map<String, String> headers, Trusted trusted, byte[] body, Duration timeout) {
        Outgoing out = new Outgoing(uri);
        out.headers.putAll(headers);
        if (trusted != null) {
            out.headers.putAll(trusted.headers());
            trusted.credential().apply(out);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(out.uri)
                .timeout(timeout)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        out.headers.forEach(request::setHeader);
        return request.build();
    }

    /** What only a trusted origin receives. */
    public record Trusted(Map<String, String> headers, Credential credential) {}

    @Override
    public void header(String name, String value) {
        headers.put(name, value);
    }

    @Override
    public void query(String name, String value) {
        uri = QueryParams.add(uri, name, value);
    }
}
