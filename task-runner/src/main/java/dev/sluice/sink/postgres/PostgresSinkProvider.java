package dev.sluice.sink.postgres;

import dev.sluice.config.SpecSection;
import dev.sluice.sink.Sink;
import dev.sluice.sink.SinkDefinition;
import dev.sluice.sink.SinkProvider;
import dev.sluice.sink.postgres.internal.PostgresSink;

/** {@code sink: {type: postgres}}: see {@link PostgresSinkConfig}. */
public final class PostgresSinkProvider implements SinkProvider {
    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public SinkDefinition define(SpecSection section) {
        PostgresSinkConfig config = section.bind(PostgresSinkConfig.class);
        config.check(section.check().at(section.pointer()));
        return new Definition(config);
    }

    private record Definition(PostgresSinkConfig config) implements SinkDefinition {
        @Override
        public Sink open(String job) {
            return new PostgresSink(config);
        }

        @Override
        public java.util.Optional<String> table() {
            return java.util.Optional.of(config.table());
        }

        @Override
        public String describe() {
            return "postgres upsert into " + config.table() + " by (" + String.join(", ", config.key()) + "), "
                    + config.columns().size() + " columns";
        }
    }
}
