package dev.sluice.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private final Dataset dataset = new Dataset(42, 1000, 0);

    @Test
    void a_record_is_a_pure_function_of_seed_partition_and_seq() {
        Order once = new Dataset(42, 1000, 0).order("eu", 123);
        Order again = new Dataset(42, 5, 0.5).order("eu", 123);

        assertThat(again).isEqualTo(once);
        assertThat(new Dataset(43, 1000, 0).order("eu", 123)).isNotEqualTo(once);
        assertThat(dataset.order("us", 123)).isNotEqualTo(once);
        assertThat(once.id()).isEqualTo("eu-000123");
        assertThat(once.partition()).isEqualTo("eu");
        assertThat(once.seq()).isEqualTo(123);
    }

    @Test
    void a_partition_lists_its_records_in_seq_order() {
        List<Order> orders = new Dataset(42, 250, 0).orders("03-of-16");

        assertThat(orders).hasSize(250);
        assertThat(orders)
                .extracting(Order::seq)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 250).asLongStream().boxed().toList());
        assertThat(orders.get(99)).isEqualTo(dataset.order("03-of-16", 100));
    }

    @Test
    void updated_at_strictly_increases_with_seq_and_created_at_is_never_later() {
        List<Order> orders = dataset.orders("eu");

        for (int i = 1; i < orders.size(); i++) {
            assertThat(orders.get(i).updatedAt()).isAfter(orders.get(i - 1).updatedAt());
        }
        assertThat(orders).allSatisfy(o -> assertThat(o.createdAt()).isBeforeOrEqualTo(o.updatedAt()));
    }

    @Test
    void date_partitions_are_updated_from_the_start_of_that_day() {
        Order first = dataset.order("2026-11-01", 1);

        assertThat(first.updatedAt())
                .isBetween(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-01T00:01:00Z"));
    }

    @Test
    void notes_hold_every_awkward_text_a_loader_must_survive() {
        List<String> notes = dataset.orders("eu").stream().map(Order::note).toList();
        List<String> texts = notes.stream().filter(Objects::nonNull).toList();

        assertThat(notes).containsNull();
        assertThat(texts).contains("", "\\N");
        assertThat(texts)
                .anyMatch(n -> n.contains("\""))
                .anyMatch(n -> n.contains(","))
                .anyMatch(n -> n.contains("\t"))
                .anyMatch(n -> n.contains("\n"))
                .anyMatch(n -> n.contains("\r\n"))
                .anyMatch(n -> n.contains("\\"))
                .anyMatch(n -> n.contains("é"))
                .anyMatch(n -> n.contains("日本"))
                .anyMatch(n -> n.codePoints().anyMatch(Character::isSupplementaryCodePoint));
    }

    @Test
    void amounts_are_positive_with_two_decimals_and_fields_take_known_values() {
        assertThat(dataset.orders("eu")).allSatisfy(o -> {
            assertThat(o.amount().scale()).isEqualTo(2);
            assertThat(o.amount().signum()).isPositive();
            assertThat(o.currency()).isIn("EUR", "USD", "GBP", "CHF", "JPY", "SEK");
            assertThat(o.status()).isIn("pending", "paid", "shipped", "delivered", "cancelled", "refunded");
        });
    }

    @Test
    void a_spread_varies_partition_sizes_deterministically_within_bounds() {
        Dataset spread = new Dataset(7, 1000, 0.5);
        List<Integer> counts =
                IntStream.range(0, 20).mapToObj(i -> spread.count("p" + i)).toList();

        assertThat(counts).allSatisfy(c -> assertThat(c).isBetween(500, 1500));
        assertThat(counts.stream().distinct().count()).isGreaterThan(10);
        assertThat(new Dataset(7, 1000, 0.5).count("p3")).isEqualTo(counts.get(3));
        assertThat(spread.orders("p3")).hasSize(counts.get(3));
    }

    @Test
    void updated_since_starts_at_the_first_record_updated_at_or_after_the_instant() {
        Instant since = dataset.order("eu", 401).updatedAt();

        assertThat(dataset.updatedSince("eu", since))
                .first()
                .extracting(Order::seq)
                .isEqualTo(401L);
        assertThat(dataset.updatedSince("eu", since.plusMillis(1)))
                .first()
                .extracting(Order::seq)
                .isEqualTo(402L);
        assertThat(dataset.updatedSince("eu", Instant.parse("2100-01-01T00:00:00Z")))
                .isEmpty();
    }
}
