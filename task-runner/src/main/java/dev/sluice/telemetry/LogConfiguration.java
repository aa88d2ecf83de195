package dev.sluice.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;

/**
 * The runner's logging, set up in code rather than by a {@code logback.xml} (found by logback
 * through {@code META-INF/services}): parsing XML and wiring it by reflection cost every
 * partition's start ~0.05 CPU-s. Structured JSON events on stderr (stdout carries only the JSON
 * result lines); {@code SLUICE_LOG_FORMAT=text} gives one plain line per event for people at a
 * terminal; {@code SLUICE_LOG_LEVEL=DEBUG} shows more. Both formats mask every known secret
 * ({@link dev.sluice.Masking}): messages, stack traces and every JSON field ({@link SecretMasker},
 * {@link MaskedMessageConverter}, {@link MaskedThrowableConverter}). A file named by
 * {@code -Dlogback.configurationFile} (e.g. in {@code SLUICE_JAVA_OPTS}), or a
 * {@code logback-test.xml} on the classpath, replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements Configurator {
    /** Libraries that are chatty at INFO. */
    private static final List<String> QUIET =
            List.of("io.zonky", "org.flywaydb", "com.zaxxer.hikari", "org.eclipse.jetty", "io.javalin");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfiguration.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        Map<String, String> env = System.getenv();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder("text".equals(env.get("SLUICE_LOG_FORMAT")) ? text(context) : json(context));
        stderr.start();
        QUIET.forEach(name -> context.getLogger(name).setLevel(Level.WARN));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(env.get("SLUICE_LOG_LEVEL"), Level.INFO));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static Encoder<ILoggingEvent> json(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.getFieldNames().setLevelValue("[ignore]");
        encoder.getFieldNames().setVersion("[ignore]");
        encoder.getFieldNames().setThread("[ignore]");
        MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
        masking.addValueMasker(new SecretMasker());
        masking.start(); // Joran starts every component it builds; in code, nothing does that for us
        encoder.setJsonGeneratorDecorator(masking);
        encoder.start();
        return encoder;
    }

    static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern("%d{HH:mm:ss.SSS} %-5level %msg%n%ex{short}");
        layout.getInstanceConverterMap().put("msg", MaskedMessageConverter::new);
        layout.getInstanceConverterMap().put("ex", MaskedThrowableConverter::new);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}
