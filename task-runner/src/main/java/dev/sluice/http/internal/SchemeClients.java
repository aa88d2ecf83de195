package dev.sluice.http.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The JDK HTTP clients of one exchange, each built when its scheme is first used: the {@code https}
 * client with the JDK's default TLS context, the {@code http} client with a context that has no TLS
 * in it at all. The JDK client loads its TLS context when it is built, even for plain HTTP: the
 * default one sets up the TLS provider (cipher suites, key exchange groups) and reads and parses the
 * whole CA trust store (~150 certificates), measured at ~10% of a one-page run's CPU. An API on
 * plain HTTP (a sidecar, an internal service, the sandbox) never needs it; an {@code https} API pays
 * for it once, on its first request. Should the plain client ever be asked for TLS, it refuses.
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
            plain = build(new NoTls());
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
            builder.sslContext(context).sslParameters(new SSLParameters());
        }
        return builder.build();
    }

    /** The plain client's context: no TLS machinery at all, and every TLS use refused. */
    private static final class NoTls extends SSLContext {
        private static final String REFUSAL = "this client speaks plain HTTP only; https goes through the TLS client";

        NoTls() {
            super(new Spi(), new Provider("sluice-plain-http", "1", REFUSAL) {}, "TLS");
        }

        private static final class Spi extends SSLContextSpi {
            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {}

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                throw new UnsupportedOperationException(REFUSAL);
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                throw new UnsupportedOperationException(REFUSAL);
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                throw new UnsupportedOperationException(REFUSAL);
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                throw new UnsupportedOperationException(REFUSAL);
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                throw new UnsupportedOperationException(REFUSAL);
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                throw new UnsupportedOperationException(REFUSAL);
            }

            @Override
            protected SSLParameters engineGetDefaultSSLParameters() {
                return new SSLParameters();
            }

            @Override
            protected SSLParameters engineGetSupportedSSLParameters() {
                return new SSLParameters();
            }
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
