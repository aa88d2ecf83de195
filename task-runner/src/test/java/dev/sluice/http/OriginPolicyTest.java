package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.config.Secret;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {
    private static final URI PAGE = URI.create("https://api.example.com/v1/orders?page=1");
    private final OriginPolicy strip = OriginPolicy.of(
            URI.create("https://api.example.com/v1/orders"), List.of("https://files.example.com"), null);
    private final OriginPolicy refuse =
            OriginPolicy.of(URI.create("https://api.example.com/v1/orders"), List.of(), "refuse");

    @Test
    void an_origin_is_scheme_host_and_port_with_default_ports_and_case_normalised() {
        assertThat(Origin.of(URI.create("https://API.Example.com/v1")))
                .isEqualTo(Origin.of(URI.create("https://api.example.com:443/other?x=1")));
        assertThat(Origin.of(URI.create("http://api.example.com/")))
                .isNotEqualTo(Origin.of(URI.create("https://api.example.com/")));
        assertThat(Origin.of(URI.create("https://api.example.com:8443/")))
                .isNotEqualTo(Origin.of(URI.create("https://api.example.com/")));
        assertThat(Origin.of(URI.create("https://api.example.com:443/")).toString())
                .isEqualTo("https://api.example.com");
        assertThat(Origin.of(URI.create("http://127.0.0.1:8089/x")).toString()).isEqualTo("http://127.0.0.1:8089");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://x.example.com/v1",
                "https://user@x.example.com",
                "https://x.example.com?a=1",
                "ftp://x.example.com",
                "x.example.com"
            })
    void a_spec_origin_is_scheme_host_and_port_only(String written) {
        assertThatThrownBy(() -> Origin.parse(written)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void only_the_spec_urls_origin_and_the_allowed_ones_are_trusted() {
        assertThat(strip.trusts(URI.create("https://api.example.com/v2/x?k=1"))).isTrue();
        assertThat(strip.trusts(URI.create("https://API.example.com:443/"))).isTrue();
        assertThat(strip.trusts(URI.create("https://files.example.com/export.json")))
                .isTrue();
        assertThat(strip.trusts(URI.create("http://api.example.com/v1/orders")))
                .as("another scheme")
                .isFalse();
        assertThat(strip.trusts(URI.create("https://api.example.com:8443/")))
                .as("another port")
                .isFalse();
        assertThat(strip.trusts(URI.create("https://api.example.com.evil.test/")))
                .isFalse();
        assertThat(strip.trusts(URI.create("file:///etc/passwd"))).isFalse();
    }

    @Test
    void relative_links_resolve_against_the_page_and_lose_user_info_and_fragment() {
        assertThat(strip.admit(PAGE, "/v1/orders?page=2", "next link"))
                .isEqualTo(URI.create("https://api.example.com/v1/orders?page=2"));
        assertThat(strip.admit(PAGE, "https://u:p@api.example.com/v1/orders?page=2#top", "next link"))
                .isEqualTo(URI.create("https://api.example.com/v1/orders?page=2"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://files.example.com/x.json", "javascript:alert(1)", "data:,x"})
    void links_that_are_not_http_are_refused(String link) {
        assertThatThrownBy(() -> strip.admit(PAGE, link, "next link"))
                .isInstanceOf(LinkRefusedException.class)
                .hasMessageContaining("only http and https links are followed")
                .hasMessageNotContaining("passwd");
    }

    @Test
    void a_link_from_https_down_to_http_is_refused_even_to_the_same_host() {
        assertThatThrownBy(() -> strip.admit(PAGE, "http://api.example.com/v1/orders?page=2", "redirect"))
                .isInstanceOf(LinkRefusedException.class)
                .hasMessageContaining("never follows a link from https down to http");
        URI plain = URI.create("http://api.example.com/v1/orders");
        assertThat(strip.admit(plain, "https://api.example.com/v1/orders?page=2", "next link"))
                .as("upgrading is fine")
                .hasScheme("https");
    }

    @Test
    void another_origin_is_admitted_under_strip_and_refused_under_refuse() {
        assertThat(strip.admit(PAGE, "https://cdn.example.net/page2", "next link"))
                .hasHost("cdn.example.net");
        assertThat(refuse.admit(PAGE, "/v1/orders?page=2", "next link")).hasHost("api.example.com");
        assertThatThrownBy(() -> refuse.admit(PAGE, "https://cdn.example.net/page2", "Link header"))
                .isInstanceOf(LinkRefusedException.class)
                .hasMessageContaining("Link header")
                .hasMessageContaining("https://cdn.example.net, another origin than https://api.example.com");
    }

    @Test
    void a_malformed_link_is_refused_not_a_crash() {
        assertThatThrownBy(() -> strip.admit(PAGE, "https://api.example.com/a b|c", "next link"))
                .isInstanceOf(LinkRefusedException.class)
                .hasMessageContaining("not a valid URL");
    }

    @Test
    void a_query_credential_is_stripped_by_name_and_by_value_however_encoded() {
        Credential key = Credential.query("api_key", new Secret("k3y/value+1"));

        assertThat(key.strip(URI.create("https://a.example.com/x?page=2&api_key=other&b=1")))
                .isEqualTo(URI.create("https://a.example.com/x?page=2&b=1"));
        assertThat(key.strip(URI.create("https://a.example.com/x?token=k3y%2Fvalue%2B1&page=2")))
                .isEqualTo(URI.create("https://a.example.com/x?page=2"));
        assertThat(key.strip(URI.create("https://a.example.com/x?api_key=k3y%2Fvalue%2B1")))
                .isEqualTo(URI.create("https://a.example.com/x"));
        assertThat(Credential.bearer(new Secret("t0ken-1")).strip(URI.create("https://a/x?t=1")))
                .isEqualTo(URI.create("https://a/x?t=1"));
    }
}
