package dev.sluice.db;

import dev.sluice.Masking;
import java.sql.Types;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;

/**
 * Binds every text argument masked ({@link Masking}): the one door between this process and the
 * Sluice tables, so an attempt's message, a partition's last error, a watermark or a dead letter
 * that quotes an API's echo of a credential stores {@code ****} instead. Registered after Jdbi's
 * own String binding, so it takes precedence over it.
 */
final class MaskedText extends AbstractArgumentFactory<String> {
    MaskedText() {
        super(Types.VARCHAR);
    }

    @Override
    protected Argument build(String value, ConfigRegistry config) {
        String masked = Masking.mask(value);
        return (position, statement, context) -> statement.setString(position, masked);
    }
}
