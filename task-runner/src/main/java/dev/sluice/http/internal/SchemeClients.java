package dev.sluice.http.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The JDK HTTP clients of one exchange, each built when its scheme is first used: the {@code https}
 * client with the JDK's default TLS context, the {@code http} client with a context that holds no
 * trust at all. The JDK client loads its TLS context when it is built, even for plain HTTP, and the
 * default one reads and parses the whole CA trust store (~150 certificates): measured at ~10% of a
 * one-page run's CPU. An API on plain HTTP (a sidecar, an internal service, the sandbox) never
 * needs it; an {@code https} API pays for it once, on its first request. Should the plain client
 * ever be asked for TLS, it fails closed: a context without trust managers trusts no certificate.
 * Both are HTTP/1.1, never follow redirects (the exchange does, hop by hop) and run on virtual
 * threads. Thread-safe.
 */
public final class SchemeClients implements AutoCloseable {
    private final Duration connectTimeout;
    private HttpClient plain;
    private HttpClient tls;
    private boolean closed;

    public SchemeClients(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** The client for {@code uri}'s scheme (http or https, as {@code Origin} admitted it). */
    public HttpClient forUri(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme()) ? tls() : plain();
    }

    private synchronized HttpClient plain() {
        if (plain == null) {
            plain = build(withoutTrust());
        }
        return plain;
    }

    private synchronized HttpClient tls() {
        if (tls == null) {
            tls = build(null);
        }
        return tls;
    }

    private HttpClient build(SSLContext context) {
        if (closed) {
            throw new IllegalStateException("the exchange is closed");
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        if (context != null) {
            builder.sslContext(context);
        }
        return builder.build();
    }

    private static SSLContext withoutTrust() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[0], new TrustManager[0], null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS context: " + e.getMessage(), e);
        }
    }

    /** Aborts what is still in flight on either client and releases both. */
    @Override
    public synchronized void close() {
        closed = true;
        if (plain != null) {
            plain.shutdownNow();
        }
        if (tls != null) {
            tls.shutdownNow();
        }
    }
}
