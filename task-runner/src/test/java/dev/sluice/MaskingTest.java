package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The one masking step: every spelling of a registered secret, in text and in JSON. */
class MaskingTest {
    private static final String SECRET = "s3cr/et \"quoted\" a+b&c=d\\e-MaskingTest";

    static {
        Masking.register(SECRET);
    }

    @Test
    void masks_the_raw_value_and_the_trimmed_value() {
        Masking.register("  padded-MaskingTest-9999\n");

        assertThat(Masking.mask("token " + SECRET + " ok")).isEqualTo("token **** ok");
        assertThat(Masking.mask("x padded-MaskingTest-9999 y")).isEqualTo("x **** y");
    }

    @Test
    void masks_base64_standard_and_url_safe_with_and_without_padding() {
        byte[] bytes = SECRET.getBytes(StandardCharsets.UTF_8);

        assertThat(Masking.mask(Base64.getEncoder().encodeToString(bytes))).isEqualTo("****");
        assertThat(Masking.mask(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)))
                .isEqualTo("****");
    }

    @Test
    void masks_basic_auth_once_its_user_and_password_pair_is_registered() {
        Masking.register("alice:pw-MaskingTest-basic");
        String header = "Basic "
                + Base64.getEncoder().encodeToString("alice:pw-MaskingTest-basic".getBytes(StandardCharsets.UTF_8));

        assertThat(Masking.mask("the API said: " + header)).isEqualTo("the API said: Basic ****");
    }

    @Test
    void masks_url_encoded_forms_with_plus_or_percent_20_for_spaces_and_either_hex_case() {
        String plus = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        String percent20 = plus.replace("+", "%20");

        assertThat(Masking.mask("/items?k=" + plus)).isEqualTo("/items?k=****");
        assertThat(Masking.mask("/items?k=" + percent20)).isEqualTo("/items?k=****");
        String lowerHex = Pattern.compile("%[0-9A-F]{2}")
                .matcher(percent20)
                .replaceAll(m -> m.group().toLowerCase(Locale.ROOT));
        assertThat(Masking.mask("/items?k=" + lowerHex)).isEqualTo("/items?k=****");
    }

    @Test
    void masks_a_value_in_a_url_path_as_a_uri_encodes_it() {
        Masking.register("p@th key+MaskingTest");

        assertThat(Masking.mask("404 from http://h/v1/p@th%20key+MaskingTest/items"))
                .isEqualTo("404 from http://h/v1/****/items");
    }

    @Test
    void masks_json_escaped_forms_including_escaped_slashes_and_unicode_escapes() {
        Masking.register("caf\u00e9/\"MaskingTest\"");

        assertThat(Masking.mask("{\"e\":\"s3cr/et \\\"quoted\\\" a+b&c=d\\\\e-MaskingTest\"}"))
                .isEqualTo("{\"e\":\"****\"}");
        assertThat(Masking.mask("{\"e\":\"s3cr\\/et \\\"quoted\\\" a+b&c=d\\\\e-MaskingTest\"}"))
                .isEqualTo("{\"e\":\"****\"}");
        assertThat(Masking.mask("{\"e\":\"caf\\u00e9\\/\\\"MaskingTest\\\"\"}")).isEqualTo("{\"e\":\"****\"}");
    }

    @Test
    void masks_a_json_escaped_secret_quoted_in_another_json_text() {
        assertThat(Masking.mask("{\"error\":\"echo: s3cr/et \\\\\\\"quoted\\\\\\\" a+b&c=d\\\\\\\\e-MaskingTest\"}"))
                .isEqualTo("{\"error\":\"echo: ****\"}");
    }

    @Test
    void masks_json_values_and_field_names_and_keeps_the_document_valid() throws Exception {
        ObjectNode document = Json.MAPPER.createObjectNode().put("next", "/p?t=" + SECRET);
        document.putArray(SECRET).add(1);

        JsonNode masked = Masking.mask(document);

        assertThat(masked.toString()).isEqualTo("{\"next\":\"/p?t=****\",\"****\":[1]}");
        assertThat(Json.MAPPER.readTree(masked.toString())).isEqualTo(masked);
    }

    @Test
    void leaves_json_without_secrets_as_the_same_node() throws Exception {
        JsonNode clean = Json.MAPPER.readTree("{\"page\":2,\"next\":\"/items?page=3\"}");

        assertThat(Masking.mask(clean)).isSameAs(clean);
    }

    @Test
    void ignores_values_too_short_to_mask_without_mangling_text() {
        Masking.register("abc");

        assertThat(Masking.mask("abcdef")).isEqualTo("abcdef");
    }

    @Test
    void variable_names_that_say_secret_are_sensitive_as_airflow_judges_them() {
        assertThat(Masking.isSensitiveName("BOT_TOKEN")).isTrue();
        assertThat(Masking.isSensitiveName("SHOP_API_KEY")).isTrue();
        assertThat(Masking.isSensitiveName("DB_PASSWORD")).isTrue();
        assertThat(Masking.isSensitiveName("client_secret")).isTrue();
        assertThat(Masking.isSensitiveName("API")).isFalse();
        assertThat(Masking.isSensitiveName("SANDBOX_URL")).isFalse();
        assertThat(Masking.isSensitiveName("PARTITION_KEY")).isFalse();
    }

    @Test
    void an_exception_message_is_masked_wherever_it_is_read() {
        SluiceException failure = new SluiceException("the API refused it: {\"echo\":\"" + SECRET + "\"}");

        assertThat(failure.getMessage()).isEqualTo("the API refused it: {\"echo\":\"****\"}");
        assertThat(failure.toString()).doesNotContain("s3cr");
    }
}
