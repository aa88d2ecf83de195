package dev.sluice.recordcall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Json;
import org.junit.jupiter.api.Test;

/** Issue 8 §5: a call's cost in a limit's units, from constants and record fields. */
class CostExpressionTest {
    private static JsonNode record(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void a_constant_costs_the_same_for_every_record() throws Exception {
        CostExpression cost = CostExpression.parse("25");

        assertThat(cost.isConstant()).isTrue();
        assertThat(cost.of(record("{}"))).isEqualTo(25);
    }

    @Test
    void sums_record_fields_and_constants_nested_fields_included() throws Exception {
        CostExpression cost = CostExpression.parse("{record.prompt_tokens} + {record.max_tokens} + 20");
        CostExpression nested = CostExpression.parse("{record.usage.tokens}");

        assertThat(cost.isConstant()).isFalse();
        assertThat(cost.topFields()).containsExactly("prompt_tokens", "max_tokens");
        assertThat(cost.of(record("{\"prompt_tokens\": 310, \"max_tokens\": 256}")))
                .isEqualTo(586);
        assertThat(nested.of(record("{\"usage\": {\"tokens\": 42}}"))).isEqualTo(42);
        assertThat(nested.topFields()).containsExactly("usage");
    }

    @Test
    void a_field_read_as_text_of_digits_counts_as_a_csv_input_gives_it() throws Exception {
        assertThat(CostExpression.parse("{record.tokens}").of(record("{\"tokens\": \"128\"}")))
                .isEqualTo(128);
    }

    @Test
    void a_record_whose_cost_cannot_be_counted_is_refused_with_the_field_and_the_rule() {
        CostExpression cost = CostExpression.parse("{record.tokens}");

        assertThatThrownBy(() -> cost.of(record("{\"id\": 1}")))
                .isInstanceOf(RecordTemplate.MissingFieldException.class)
                .hasMessage("the record has no value at {record.tokens}");
        assertThatThrownBy(() -> cost.of(record("{\"tokens\": -3}")))
                .hasMessageContaining("{record.tokens} is a negative or too large number, not a whole number from 0");
        assertThatThrownBy(() -> cost.of(record("{\"tokens\": 2.5}")))
                .hasMessageContaining("{record.tokens} is a fraction");
        assertThatThrownBy(() -> cost.of(record("{\"tokens\": \"many\"}")))
                .hasMessageContaining("text that is not a whole number")
                .hasMessageNotContaining("many");
        assertThatThrownBy(() -> cost.of(record("{\"tokens\": [1]}"))).hasMessageContaining("a JSON array");
    }

    @Test
    void anything_beyond_the_tiny_grammar_is_refused_with_the_form() {
        assertThatThrownBy(() -> CostExpression.parse("{record.a} * 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"{record.a} * 2\" is not a whole number or {record.<field>}")
                .hasMessageContaining("only + is supported");
        assertThatThrownBy(() -> CostExpression.parse("{partition} + 1")).hasMessageContaining("\"{partition}\"");
        assertThatThrownBy(() -> CostExpression.parse("tokens")).hasMessageContaining("\"tokens\"");
        assertThatThrownBy(() -> CostExpression.parse("-5")).hasMessageContaining("\"-5\"");
        assertThatThrownBy(() -> CostExpression.parse("1 +")).hasMessageContaining("\"\"");
        assertThatThrownBy(() -> CostExpression.parse(" ")).hasMessageContaining("is empty");
    }
}
