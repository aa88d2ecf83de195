package dev.sluice.source.redis.internal;

import dev.sluice.source.redis.RedisStreamConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * One plain connection per run, opened on first use, with a connect timeout and a read timeout on
 * every command (no pool: a run reads one stream, one command at a time). After a connection
 * failure it is dropped; {@link #broken()} then tells the end of the run not to wait on it again.
 */
final class RedisConnection implements AutoCloseable {
    private final RedisStreamConfig config;
    private final RedisTarget target;
    private Jedis jedis;
    private boolean broken;

    RedisConnection(RedisStreamConfig config, RedisTarget target) {
        this.config = config;
        this.target = target;
    }

    Jedis jedis() {
        if (jedis == null) {
            DefaultJedisClientConfig.Builder settings = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(
                            Math.toIntExact(config.connectTimeout().toMillis()))
                    .socketTimeoutMillis(Math.toIntExact(config.timeout().toMillis()))
                    .database(target.database())
                    .ssl(target.tls())
                    .clientName("sluice")
                    .resp2(); // the read script's replies are parsed as RESP2 (StreamReads); works with Redis 5 to 8
            if (target.user() != null) {
                settings.user(target.user());
            }
            if (target.password() != null) {
                settings.password(target.password().reveal());
            }
            jedis = new Jedis(new HostAndPort(target.host(), target.port()), settings.build());
        }
        return jedis;
    }

    boolean broken() {
        return broken;
    }

    void reset() {
        broken = true;
        close();
    }

    @Override
    public void close() {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // a broken connection has nothing left to close
            }
            jedis = null;
        }
    }
}
