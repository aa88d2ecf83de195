package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.config.Secret;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A stored URL keeps nothing of a credential, whatever kind it is and however the API echoed it. */
class CredentialTest {
    private static final String TOKEN = "tok en/+CredentialTest";
    private static final String ECHOED = "https://api.example.com/v1/items?page=2&access_token="
            + URLEncoder.encode(TOKEN, StandardCharsets.UTF_8) + "&size=50";

    @Test
    void a_bearer_token_echoed_in_a_link_is_stripped_under_any_name() {
        URI stripped = Credential.bearer(new Secret(TOKEN)).strip(URI.create(ECHOED));

        assertThat(stripped).hasToString("https://api.example.com/v1/items?page=2&size=50");
    }

    @Test
    void a_header_key_echoed_in_a_link_is_stripped() {
        URI stripped = Credential.header("X-Api-Key", new Secret(TOKEN)).strip(URI.create(ECHOED));

        assertThat(stripped).hasToString("https://api.example.com/v1/items?page=2&size=50");
    }

    @Test
    void a_basic_password_or_its_header_value_echoed_in_a_link_is_stripped() {
        String pair = Base64.getEncoder().encodeToString(("ann:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        URI link = URI.create(ECHOED + "&auth=" + URLEncoder.encode(pair, StandardCharsets.UTF_8));

        URI stripped = Credential.basic("ann", new Secret(TOKEN)).strip(link);

        assertThat(stripped).hasToString("https://api.example.com/v1/items?page=2&size=50");
    }

    @Test
    void a_query_key_is_stripped_by_name_and_by_value() {
        URI link = URI.create(ECHOED + "&api_key=other-value");

        URI stripped = Credential.query("api_key", new Secret(TOKEN)).strip(link);

        assertThat(stripped).hasToString("https://api.example.com/v1/items?page=2&size=50");
    }

    @Test
    void a_link_without_the_credential_is_kept_as_it_is() {
        URI link = URI.create("https://api.example.com/v1/items?page=2");

        assertThat(Credential.bearer(new Secret(TOKEN)).strip(link)).isSameAs(link);
    }
}
