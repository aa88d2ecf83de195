package dev.sluice.ratelimit.internal;

import dev.sluice.ratelimit.LimitConfig;
import dev.sluice.ratelimit.Rate;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The one place where limit specs become Bucket4j objects.
 *
 * <p>A paced rate N/P becomes a bucket of {@code burst} tokens refilled greedily with
 * N·(1 − headroom) − burst tokens per P: a full bucket plus one period's refill is at most N, so no
 * window of length P ever sees more than N permits. Bucket4j refills whole tokens per period, so
 * the period is scaled by 1000 to keep the fraction. A quota N/P is a bucket of N tokens refilled
 * all at once at every multiple of P since the epoch (00:00 UTC for days).
 */
public final class Buckets {
    private static final long SCALE = 1000;

    private Buckets() {}

    public static BucketConfiguration configuration(LimitConfig limit) {
        var builder = BucketConfiguration.builder();
        for (Rate rate : limit.parsedRates()) {
            double perPeriod = rate.amount() * (1 - limit.headroom()) - limit.burst();
            builder.addLimit(Bandwidth.builder()
                    .capacity(limit.burst())
                    .refillGreedy(
                            Math.max(1, Math.round(perPeriod * SCALE)),
                            rate.period().multipliedBy(SCALE))
                    .initialTokens(limit.burst())
                    .id("rate " + rate)
                    .build());
        }
        for (Rate quota : limit.parsedQuotas()) {
            builder.addLimit(Bandwidth.builder()
                    .capacity(quota.amount())
                    .refillIntervallyAligned(quota.amount(), quota.period(), Instant.EPOCH)
                    .id("quota " + quota)
                    .build());
        }
        return builder.build();
    }

    /** Buckets stored in {@code sluice_bucket}, one row per limit name, locked with SELECT ... FOR UPDATE. */
    public static PostgreSQLSelectForUpdateBasedProxyManager<String> proxyManager(DataSource dataSource) {
        return Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("sluice_bucket")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                // a bucket that is full again carries no state worth keeping: let cleanup drop it
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(10)))
                .requestTimeout(Duration.ofSeconds(10))
                .build();
    }
}
