package dev.sluice.source.http;

import dev.sluice.config.SpecSection;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.source.SourceDefinition;
import dev.sluice.source.SourceProvider;
import dev.sluice.source.http.internal.HttpSource;

/** {@code source: {type: http}}: see {@link HttpSourceConfig}. */
public final class HttpSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "http";
    }

    @Override
    public SourceDefinition define(SpecSection section) {
        HttpSourceConfig config = section.bind(HttpSourceConfig.class);
        config.check(section.check().at(section.pointer()), section.partitionVariables());
        return new Definition(config);
    }

    private record Definition(HttpSourceConfig config) implements SourceDefinition {
        @Override
        public Source open(SourceContext context) {
            return new HttpSource(config, context.calls(), context.partition());
        }

        @Override
        public long maxPages() {
            return config.maxPages();
        }

        @Override
        public String describe() {
            return "http GET " + config.url() + " (" + config.pagination().type() + " pagination"
                    + (config.incremental() == null
                            ? ""
                            : ", incremental on " + config.incremental().cursorField()) + ")";
        }
    }
}
