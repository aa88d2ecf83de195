package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigSyntaxTest {
    @Test
    void limit_specs_read_count_period_mode_burst_and_name() {
        assertThat(LimitSpec.parse("50/1s")).isEqualTo(LimitSpec.window(50, Duration.ofSeconds(1)));
        assertThat(LimitSpec.parse("2000/1h,name=daily"))
                .isEqualTo(LimitSpec.window(2000, Duration.ofHours(1)).withName("daily"));
        assertThat(LimitSpec.parse("bucket:10/1s,burst=50")).isEqualTo(LimitSpec.bucket(10, Duration.ofSeconds(1), 50));
        assertThat(LimitSpec.parse("100/s", LimitMode.BUCKET))
                .isEqualTo(LimitSpec.bucket(100, Duration.ofSeconds(1), 100));
        assertThat(LimitSpec.parse("window:4/500ms", LimitMode.BUCKET))
                .isEqualTo(LimitSpec.window(4, Duration.ofMillis(500)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"50/1s", "window:2000/1h,name=daily", "bucket:10/1s,burst=50", "bucket:3/250ms"})
    void a_limit_spec_reads_back_from_its_text(String text) {
        LimitSpec spec = LimitSpec.parse(text);

        assertThat(LimitSpec.parse(spec.toString())).isEqualTo(spec);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "fifty/1s; count \"fifty\" must be a whole number",
                "50/1x; period \"1x\" must be a number followed by ms, s, m, h or d",
                "50; expected [window:|bucket:]COUNT/PERIOD",
                "0/1s; count must be > 0",
                "50/0s; period must be at least 1ms",
                "50/1s,burst=9; burst is only for bucket limits",
                "sideways:50/1s; mode \"sideways\" must be window or bucket",
                "50/1s,color=red; unknown option \"color=red\""
            })
    void a_bad_limit_spec_names_itself_and_the_rule(String text, String rule) {
        assertThatThrownBy(() -> LimitSpec.parse(text))
                .isInstanceOf(SandboxConfigException.class)
                .hasMessageStartingWith("limit \"")
                .hasMessageContaining(rule);
    }

    @Test
    void durations_read_short_and_iso_forms_and_format_back_shortest() {
        assertThat(DurationText.parse("x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("x", "0")).isZero();
        assertThat(DurationText.parse("x", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.format(Duration.ofSeconds(3600))).isEqualTo("1h");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> DurationText.parse("latency", "soon"))
                .hasMessage("latency = \"soon\": must be a number followed by ms, s, m, h or d (e.g. 250ms, 10s, 1h)");
    }

    @Test
    void outages_read_length_at_start() {
        assertThat(Outage.parse("10s@30s")).isEqualTo(new Outage(Duration.ofSeconds(30), Duration.ofSeconds(10)));
        assertThat(Outage.parse("1m")).isEqualTo(new Outage(Duration.ZERO, Duration.ofMinutes(1)));
        assertThat(Outage.parse("10s@30s")).hasToString("10s@30s");
        assertThatThrownBy(() -> Outage.parse("0s@1s")).hasMessageContaining("must be > 0");
    }

    @Test
    void fail_windows_read_n_plus_k_and_name_a_bad_one() {
        assertThat(FailWindow.parse("2+3")).isEqualTo(new FailWindow(2, 3));
        assertThat(FailWindow.parse(" 0 + 1 ")).hasToString("0+1");
        assertThat(FailWindow.parse("2+3").fails(2)).isFalse();
        assertThat(FailWindow.parse("2+3").fails(3)).isTrue();
        assertThat(FailWindow.parse("2+3").fails(5)).isTrue();
        assertThat(FailWindow.parse("2+3").fails(6)).isFalse();
        assertThatThrownBy(() -> FailWindow.parse("3")).hasMessageContaining("expected N+K");
        assertThatThrownBy(() -> FailWindow.parse("-1+2")).hasMessage("fail window start = -1: must be >= 0 requests");
    }

    @Test
    void a_partition_has_one_fail_window_the_last_one_given() {
        SandboxConfig config = SandboxConfig.defaults().withFailFirst("eu", 1).withFailAt("eu", 4, 2);
        SandboxConfig c = config;

        assertThat(config.failFirst()).isEmpty();
        assertThat(config.failAt()).containsEntry("eu", new FailWindow(4, 2));
        assertThat(config.withFailFirst("eu", 3).failAt()).isEmpty();
        assertThatThrownBy(() -> new SandboxConfig(
                        c.host(),
                        c.port(),
                        c.seed(),
                        c.recordsPerPartition(),
                        c.recordsSpread(),
                        null,
                        c.limits(),
                        c.retryAfterFloor(),
                        c.faults(),
                        c.outages(),
                        Map.of("eu", 1),
                        c.failAt()))
                .hasMessage("fail at of eu = 4+2: partition eu also has fail first; give one of them");
    }

    @Test
    void bad_settings_name_the_setting_value_and_rule() {
        assertThatThrownBy(() -> Faults.NONE.withErrorRate(1.5))
                .hasMessage("error rate = 1.5: must be between 0 and 1");
        assertThatThrownBy(() -> Faults.NONE.withErrorRate(0.6).withResetRate(0.6))
                .hasMessageContaining("must be at most 1");
        assertThatThrownBy(() -> SandboxConfig.defaults().withPort(70000))
                .hasMessage("port = 70000: must be between 0 and 65535");
        assertThatThrownBy(() -> SandboxConfig.defaults().withToken(" ")).hasMessageContaining("token");
    }
}
