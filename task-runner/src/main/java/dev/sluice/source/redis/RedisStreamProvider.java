package dev.sluice.source.redis;

import dev.sluice.config.SpecSection;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.source.SourceDefinition;
import dev.sluice.source.SourceProvider;
import dev.sluice.source.redis.internal.RedisTarget;
import dev.sluice.source.redis.internal.StreamSource;
import java.util.Optional;
import java.util.Set;

/** {@code input: {type: redis_stream}}: see {@link RedisStreamConfig}. */
public final class RedisStreamProvider implements SourceProvider {
    /** The field every record is keyed by: the entry id, unique and ordered within its stream. */
    public static final String KEY = "id";

    @Override
    public String type() {
        return "redis_stream";
    }

    @Override
    public SourceDefinition define(SpecSection section) {
        RedisStreamConfig config = section.bind(RedisStreamConfig.class);
        config.check(section.check().at(section.pointer()), section.partitionVariables());
        return new Definition(
                config,
                new RedisStreamConfig.Fields(
                        section.field("url"), section.field("stream"), section.field("max_entry_bytes")));
    }

    private record Definition(RedisStreamConfig config, RedisStreamConfig.Fields fields) implements SourceDefinition {
        @Override
        public Source open(SourceContext context) {
            return new StreamSource(config, RedisTarget.parse(config.url().reveal()), fields);
        }

        @Override
        public String describe() {
            String where = config.url() == null
                            || RedisTarget.problem(config.url().reveal()).isPresent()
                    ? "?"
                    : RedisTarget.parse(config.url().reveal()).where();
            return "redis stream " + config.stream() + " at " + where + ", keyed by entry id (reads of "
                    + config.pageSize() + ")";
        }

        @Override
        public Optional<String> recordKey() {
            return Optional.of(KEY);
        }

        @Override
        public Optional<Set<String>> recordFields() {
            return Optional.of(Set.of(KEY, "fields"));
        }
    }
}
