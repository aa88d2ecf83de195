package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The duration grammar, checked with the vectors the DAG tests read too (dags/tests/test_durations.py). */
class DurationsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** (text, milliseconds or null for refused) of every line of durations.txt. */
    static List<Arguments> vectors() throws IOException {
        try (InputStream in = DurationsTest.class.getResourceAsStream("/durations.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(DurationsTest::vector)
                    .toList();
        }
    }

    private static Arguments vector(String line) {
        int space = line.lastIndexOf(' ');
        String expected = line.substring(space + 1);
        try {
            String text = JSON.readValue(line.substring(0, space), String.class);
            return Arguments.of(text, expected.equals("refused") ? null : Long.parseLong(expected));
        } catch (IOException e) {
            throw new IllegalStateException("durations.txt: not a JSON string in " + line, e);
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void parses_each_vector_as_the_dags_do(String text, Long millis) {
        if (millis == null) {
            assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
        } else {
            assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void format_writes_what_parse_reads_back(String text, Long millis) {
        if (millis != null) {
            Duration d = Duration.ofMillis(millis);
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }

    @Test
    void the_vector_file_covers_both_outcomes() throws IOException {
        List<Arguments> all = vectors();
        long refused = all.stream().filter(a -> a.get()[1] == null).count();
        assertThat(refused).isGreaterThanOrEqualTo(20);
        assertThat(all.size() - refused).isGreaterThanOrEqualTo(20);
    }

    @Test
    void refusals_say_which_rule() {
        assertThatThrownBy(() -> Durations.parse("30 sec"))
                .hasMessage("expected a duration like 500ms, 30s, 5m, 1h30m or 1d");
        assertThatThrownBy(() -> Durations.parse("30m1h")).hasMessageContaining("largest to smallest");
        assertThatThrownBy(() -> Durations.parse("3651d")).hasMessage("expected a duration of at most 3650d");
        assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void format_is_the_shortest_single_unit_form() {
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("2d");
    }
}
