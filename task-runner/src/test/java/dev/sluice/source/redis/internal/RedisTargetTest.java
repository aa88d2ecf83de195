package dev.sluice.source.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Masking;
import org.junit.jupiter.api.Test;

class RedisTargetTest {
    @Test
    void reads_host_port_database_user_password_and_tls() {
        RedisTarget plain = RedisTarget.parse("redis://cache.internal");
        RedisTarget full = RedisTarget.parse("rediss://reader:s3cr%40t-pass@cache.internal:6380/3");

        assertThat(plain).isEqualTo(new RedisTarget("cache.internal", 6379, 0, null, null, false));
        assertThat(full.host()).isEqualTo("cache.internal");
        assertThat(full.port()).isEqualTo(6380);
        assertThat(full.database()).isEqualTo(3);
        assertThat(full.user()).isEqualTo("reader");
        assertThat(full.password().reveal()).as("percent-decoded").isEqualTo("s3cr@t-pass");
        assertThat(full.tls()).isTrue();
        assertThat(full.where()).isEqualTo("rediss://cache.internal:6380/3");
    }

    @Test
    void a_password_without_a_user_is_written_after_a_colon_and_is_masked_everywhere() {
        RedisTarget target = RedisTarget.parse("redis://:pw-only-91c2@127.0.0.1:7000/0");

        assertThat(target.user()).isNull();
        assertThat(target.password().reveal()).isEqualTo("pw-only-91c2");
        assertThat(Masking.mask("login with pw-only-91c2 failed")).doesNotContain("pw-only-91c2");
    }

    @Test
    void refuses_what_is_not_a_redis_url_without_showing_it() {
        String secret = "hunter2-secret-77";

        assertThat(RedisTarget.problem("http://:" + secret + "@host:6379/0"))
                .hasValue("must start with redis:// or rediss:// (TLS)");
        assertThat(RedisTarget.problem("redis://user-" + secret + "@host"))
                .hasValueSatisfying(p -> assertThat(p).contains("a user without a password"));
        assertThat(RedisTarget.problem("redis://:" + secret + "@host/x"))
                .hasValueSatisfying(p -> assertThat(p).contains("not a database number"));
        assertThat(RedisTarget.problem("redis://:" + secret + "@host/0?timeout=1"))
                .hasValueSatisfying(p -> assertThat(p).contains("no ?query"));
        assertThat(RedisTarget.problem("redis:// bad " + secret))
                .hasValueSatisfying(p -> assertThat(p).contains("is not a URL").doesNotContain(secret));
        assertThat(RedisTarget.problem("redis://host:6379/0")).isEmpty();
    }
}
