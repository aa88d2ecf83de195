package dev.sluice.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.UsageException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionSpecTest {
    private static final PartitionSpec DAILY =
            new PartitionSpec(PartitionType.DAILY, "2026-11-01", "2026-11-04", null, null);
    private static final PartitionSpec HOURLY = new PartitionSpec(PartitionType.HOURLY, null, null, null, null);
    private static final PartitionSpec LIST =
            new PartitionSpec(PartitionType.LIST, null, null, List.of("eu", "us"), null);
    private static final PartitionSpec SHARDS = new PartitionSpec(PartitionType.SHARDS, null, null, null, 16);

    @Test
    void daily_windows_are_half_open() {
        assertThat(DAILY.plan("2026-10-30", "2026-11-02"))
                .extracting(Partition::key)
                .containsExactly("2026-10-30", "2026-10-31", "2026-11-01");
    }

    @Test
    void daily_plan_defaults_to_the_spec_window() {
        assertThat(DAILY.plan(null, null))
                .extracting(Partition::key)
                .containsExactly("2026-11-01", "2026-11-02", "2026-11-03");
    }

    @Test
    void daily_partitions_offer_their_bounds_as_variables() {
        Partition p = DAILY.parse("2026-11-01");

        assertThat(p.variable("start")).isEqualTo("2026-11-01");
        assertThat(p.variable("end")).isEqualTo("2026-11-02");
        assertThat(p.variable("end_time")).isEqualTo("2026-11-02T00:00:00Z");
        assertThat(p.variable("")).isEqualTo("2026-11-01");
    }

    @Test
    void hourly_keys_and_bounds_are_utc_hours() {
        assertThat(HOURLY.plan("2026-11-01T22:00:00Z", "2026-11-02T01"))
                .extracting(Partition::key)
                .containsExactly("2026-11-01T22", "2026-11-01T23", "2026-11-02T00");
        assertThat(HOURLY.parse("2026-11-01T05").variable("end")).isEqualTo("2026-11-01T06:00:00Z");
    }

    @Test
    void hourly_bounds_must_be_whole_hours() {
        assertThatThrownBy(() -> HOURLY.plan("2026-11-01T05:30:00Z", "2026-11-02T00"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("not on the hour");
    }

    @Test
    void bad_keys_are_usage_errors_that_show_the_form() {
        assertThatThrownBy(() -> DAILY.parse("2026-13-01"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("a date like 2026-11-01");
        assertThatThrownBy(() -> LIST.parse("apac"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("eu, us");
        assertThatThrownBy(() -> SHARDS.parse("16-of-16"))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("00-of-16 to 15-of-16");
    }

    @Test
    void list_and_shard_jobs_plan_all_their_partitions() {
        assertThat(LIST.plan(null, null)).extracting(Partition::key).containsExactly("eu", "us");
        assertThat(SHARDS.plan(null, null)).hasSize(16).first().satisfies(p -> {
            assertThat(p.key()).isEqualTo("00-of-16");
            assertThat(p.variable("count")).isEqualTo("16");
        });
    }

    @Test
    void windows_need_bounds_and_are_capped() {
        assertThatThrownBy(() -> HOURLY.plan(null, null)).hasMessageContaining("give --from and --to");
        assertThatThrownBy(() -> DAILY.plan("2026-11-02", "2026-11-01")).hasMessageContaining("must be after");
        assertThatThrownBy(() -> DAILY.plan("2000-01-01", "2040-01-01")).hasMessageContaining("more than 10000");
    }

    @Test
    void hourly_keys_are_strict_and_hour_24_is_not_the_next_day() {
        assertThat(HOURLY.parse("2026-11-01T23").key()).isEqualTo("2026-11-01T23");
        for (String key :
                new String[] {"2026-11-01T24", "2026-11-01T5", "2026-11-31T05", "2026-11-01T05:00", "0000-01-01T00"}) {
            assertThatThrownBy(() -> HOURLY.parse(key))
                    .as(key)
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining(
                            "is not an hourly partition key: a UTC hour like 2026-11-01T05 (hours T00 to T23)");
        }
    }

    @Test
    void daily_keys_are_real_days_in_one_form() {
        for (String key :
                new String[] {"2026-02-30", "2026-13-01", "2026-1-01", "+10000-01-01", "0000-01-01", "20261101"}) {
            assertThatThrownBy(() -> DAILY.parse(key))
                    .as(key)
                    .isInstanceOf(UsageException.class)
                    .hasMessageContaining("is not a daily partition key: a date like 2026-11-01");
        }
        assertThat(DAILY.parse("2028-02-29").key()).isEqualTo("2028-02-29");
    }

    @Test
    void window_bounds_are_as_strict_as_keys() {
        assertThatThrownBy(() -> HOURLY.plan("2026-11-01T24", "2026-11-03T00"))
                .hasMessageContaining("--from = 2026-11-01T24 is not");
        assertThatThrownBy(() -> HOURLY.plan("2026-11-01T00:00:00Z", "2026-11-01T24:00:00Z"))
                .hasMessageContaining("--to = 2026-11-01T24:00:00Z is not");
        assertThatThrownBy(() -> HOURLY.plan("+10000-01-01T00:00:00Z", "+10000-01-01T05:00:00Z"))
                .hasMessageContaining("is not a UTC hour");
        assertThatThrownBy(() -> DAILY.plan("2026-02-30", "2026-03-02"))
                .hasMessageContaining("--from = 2026-02-30 is not");
    }
}
