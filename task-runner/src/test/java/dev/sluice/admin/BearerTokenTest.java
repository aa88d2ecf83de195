package dev.sluice.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BearerTokenTest {
    private final BearerToken token = new BearerToken("s3cret-admin");

    @Test
    void accepts_only_the_configured_token_as_a_bearer() {
        assertThat(token.accepts("Bearer s3cret-admin")).isTrue();
        assertThat(token.accepts("bearer s3cret-admin")).isTrue();
        assertThat(token.accepts("Bearer s3cret-admin2")).isFalse();
        assertThat(token.accepts("Bearer s3cret-admi")).isFalse();
        assertThat(token.accepts("Basic s3cret-admin")).isFalse();
        assertThat(token.accepts("s3cret-admin")).isFalse();
        assertThat(token.accepts(null)).isFalse();
    }

    @Test
    void without_a_configured_token_nothing_is_accepted() {
        BearerToken none = new BearerToken(null);
        assertThat(none.configured()).isFalse();
        assertThat(none.accepts("Bearer ")).isFalse();
        assertThat(none.accepts("Bearer null")).isFalse();
    }
}
