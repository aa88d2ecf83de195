package dev.sluice.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.sluice.Masking;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Both log formats, as {@link LogConfiguration} wires them: a secret in a message, an argument, an exception's
 * message or its cause's never reaches stderr.
 */
class LogMaskingTest {
    private static final String SECRET = "tok-LogMaskingTest-2468";
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

    static {
        Masking.register(SECRET);
    }

    @Test
    void the_text_format_masks_the_message_and_the_stack_trace() {
        MaskedMessageConverter message = new MaskedMessageConverter();
        MaskedThrowableConverter stackTrace = new MaskedThrowableConverter();
        stackTrace.setContext(context);
        stackTrace.start();

        LoggingEvent event = event();

        assertThat(message.convert(event)).isEqualTo("the API said invalid **** for ****");
        assertThat(stackTrace.convert(event))
                .contains("refused ****", "cause ****")
                .doesNotContain(SECRET);
    }

    @Test
    void the_text_format_as_configured_masks_the_message_and_the_stack_trace() {
        String text = new String(LogConfiguration.text(context).encode(event()), StandardCharsets.UTF_8);

        assertThat(text).contains("invalid ****", "refused ****", "cause ****").doesNotContain(SECRET);
    }

    @Test
    void the_json_format_masks_every_field_including_the_stack_trace() {
        String json = new String(LogConfiguration.json(context).encode(event()), StandardCharsets.UTF_8);

        assertThat(json).contains("invalid ****", "refused ****", "cause ****").doesNotContain(SECRET);
    }

    private LoggingEvent event() {
        return new LoggingEvent(
                LogMaskingTest.class.getName(),
                context.getLogger("sluice"),
                Level.ERROR,
                "the API said {} for " + SECRET,
                new IllegalStateException("refused " + SECRET, new RuntimeException("cause " + SECRET)),
                new Object[] {"invalid " + SECRET});
    }
}
