package dev.sluice.source.sql;

import dev.sluice.config.SpecSection;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.source.SourceDefinition;
import dev.sluice.source.SourceProvider;
import dev.sluice.source.sql.internal.SqlSource;
import java.util.Optional;

/** {@code source: {type: sql}}: see {@link SqlSourceConfig}. */
public final class SqlSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "sql";
    }

    @Override
    public SourceDefinition define(SpecSection section) {
        SqlSourceConfig config = section.bind(SqlSourceConfig.class);
        config.check(section.check().at(section.pointer()), section.partitionVariables());
        return new Definition(
                config,
                new SqlSourceConfig.Fields(
                        section.field("query"), section.field("key"), section.field("statement_timeout")));
    }

    private record Definition(SqlSourceConfig config, SqlSourceConfig.Fields fields) implements SourceDefinition {
        @Override
        public Source open(SourceContext context) {
            return new SqlSource(context.database(), config, fields);
        }

        @Override
        public String describe() {
            return "sql query over the Sluice database, keyed and ordered by " + config.key() + " (pages of "
                    + config.pageSize() + ")";
        }

        @Override
        public Optional<String> recordKey() {
            return Optional.of(config.key());
        }

        @Override
        public Optional<java.util.Set<String>> recordFields() {
            return dev.sluice.source.sql.internal.SelectList.names(config.query());
        }
    }
}
