package dev.sluice.run;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import dev.sluice.call.CallStats;
import dev.sluice.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The progress line carries its counts as JSON fields, so a log pipeline reads them without parsing text. */
class ProgressTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger("sluice.progress");
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final LogstashEncoder encoder = new LogstashEncoder();

    @BeforeEach
    void capture() {
        LoggerContext context = logger.getLoggerContext();
        events.setContext(context);
        events.start();
        logger.addAppender(events);
        encoder.setContext(context);
        encoder.start();
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
        encoder.stop();
    }

    @Test
    void the_json_progress_line_has_its_counts_as_fields() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-02T01:00:00Z"));
        Progress progress = new Progress("orders", "2026-11-01", clock, Duration.ofSeconds(10), new CallStats());

        progress.page(100, 0);
        clock.advance(Duration.ofSeconds(4));
        progress.page(100, 2);
        assertThat(events.list).as("no line before the interval has passed").isEmpty();
        clock.advance(Duration.ofSeconds(6));
        progress.page(50, 1);

        assertThat(events.list).hasSize(1);
        JsonNode line = Json.MAPPER.readTree(encoder.encode(events.list.getFirst()));
        assertThat(line.get("pages").asLong()).isEqualTo(3);
        assertThat(line.get("records").asLong()).isEqualTo(250);
        assertThat(line.get("records_per_second").asDouble()).isEqualTo(25.0);
        assertThat(line.get("dead_letters").asLong()).isEqualTo(3);
        assertThat(line.get("api_calls").isNumber()).isTrue();
        assertThat(line.get("http_429").isNumber()).isTrue();
        assertThat(line.get("retries").isNumber()).isTrue();
        assertThat(line.get("message").asText())
                .startsWith("orders/2026-11-01: 3 pages, 250 records (25.0 /s)")
                .endsWith("3 dead letters");
    }
}
