package dev.sluice.telemetry;

import com.fasterxml.jackson.core.JsonStreamContext;
import dev.sluice.Masking;
import net.logstash.logback.mask.ValueMasker;

/** Masks any known secret value in JSON log events (see {@link Masking}); wired in {@link LogConfiguration}. */
public final class SecretMasker implements ValueMasker {
    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence text) {
            String masked = Masking.mask(text.toString());
            return masked.contentEquals(text) ? null : masked;
        }
        return null;
    }
}
