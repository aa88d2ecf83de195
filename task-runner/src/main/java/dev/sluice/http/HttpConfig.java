package dev.sluice.http;

import dev.sluice.config.ByteSize;
import dev.sluice.config.SpecCheck;
import java.time.Duration;

/**
 * The bounds of every exchange with an API, as a spec section gives them ({@code source:}, or a
 * per-record {@code call:}).
 *
 * @param timeout         bounds one whole exchange: connecting, sending, the headers, every
 *                        redirect and the whole body (default 30s). An API that stalls or drips its
 *                        body is cut off there: a failed attempt, retried, counted by the breaker
 * @param connectTimeout  bounds opening a connection (default 10s; never more than {@code timeout})
 * @param maxResponseSize the largest body accepted (default 64MB): a bigger one is refused as a data
 *                        error (exit 65) without being read into memory ({@code Content-Length} is
 *                        checked first, then the bytes are counted as they arrive)
 * @param maxRedirects    redirects followed per exchange (default 5); more is refused (exit 78)
 */
public record HttpConfig(Duration timeout, Duration connectTimeout, ByteSize maxResponseSize, Integer maxRedirects) {
    public static final HttpConfig DEFAULTS = new HttpConfig(null, null, null, null);

    public HttpConfig {
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        maxResponseSize = maxResponseSize == null ? ByteSize.ofMegabytes(64) : maxResponseSize;
        maxRedirects = maxRedirects == null ? 5 : maxRedirects;
    }

    /** Checks the fields of a spec section that carries them (the same names in every section). */
    public void check(SpecCheck check) {
        check.require(timeout.isPositive(), "timeout", "must be more than 0s");
        check.require(connectTimeout.isPositive(), "connect_timeout", "must be more than 0s");
        check.require(maxResponseSize.bytes() > 0, "max_response_size", "must be more than 0 bytes");
        check.require(maxRedirects >= 0 && maxRedirects <= 20, "max_redirects", "must be from 0 to 20");
    }
}
