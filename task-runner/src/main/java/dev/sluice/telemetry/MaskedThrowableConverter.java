package dev.sluice.telemetry;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.sluice.Masking;

/**
 * The text log format's {@code %ex}: a stack trace with known secret values masked (see
 * {@link Masking}); the messages of exceptions from libraries (an HTTP client, the JDBC driver)
 * are not Sluice's and may quote what a secret touched.
 */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return Masking.mask(super.throwableProxyToString(proxy));
    }
}
