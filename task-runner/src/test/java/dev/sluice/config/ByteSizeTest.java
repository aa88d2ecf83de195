package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
    @ParameterizedTest
    @CsvSource({
        "64MB, 67108864, 64MB",
        "512KB, 524288, 512KB",
        "1GB, 1073741824, 1GB",
        "1000, 1000, 1000B",
        "100B, 100, 100B",
        "1536KB, 1572864, 1536KB",
        "0, 0, 0B"
    })
    void reads_sizes_as_people_write_them_and_writes_them_back(String written, long bytes, String shown) {
        ByteSize size = ByteSize.parse(written);

        assertThat(size.bytes()).isEqualTo(bytes);
        assertThat(size).hasToString(shown);
        assertThat(ByteSize.parse(size.toString())).isEqualTo(size);
    }

    @ParameterizedTest
    @ValueSource(strings = {"64 MiB", "64mb", "1.5MB", "-1", "MB", "", "2GB", "1048577KB", "99999999999999999999"})
    void refuses_other_forms_and_sizes_over_a_gigabyte(String written) {
        assertThatThrownBy(() -> ByteSize.parse(written))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected a size");
    }
}
