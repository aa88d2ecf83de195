package dev.sluice.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuMeterTest {
    @Test
    void reads_user_and_system_ticks_after_a_command_name_with_spaces_and_parentheses() {
        String stat = "4242 (postgres: x) (y) S 1 4242 4242 0 -1 4194560 1500 0 0 0 1234 567 0 0 20 0 1 0 99 "
                + "200000000 5000 18446744073709551615 0 0 0 0 0 0 0 4194304 0 0 0 0 17 1 0 0 0 0 0";

        assertThat(CpuMeter.ticks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void a_reading_since_an_earlier_one_is_the_difference_on_each_side() {
        var spent = new CpuMeter.Reading(5_000, 9_000).since(new CpuMeter.Reading(2_000, 1_000));

        assertThat(spent).isEqualTo(new CpuMeter.Reading(3_000, 8_000));
    }
}
