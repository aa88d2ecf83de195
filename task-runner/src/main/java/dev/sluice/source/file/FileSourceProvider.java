package dev.sluice.source.file;

import dev.sluice.config.SpecSection;
import dev.sluice.source.Source;
import dev.sluice.source.SourceContext;
import dev.sluice.source.SourceDefinition;
import dev.sluice.source.SourceProvider;
import dev.sluice.source.file.internal.FileSource;
import java.nio.file.Path;
import java.util.Optional;

/** {@code source: {type: file}}: see {@link FileSourceConfig}. */
public final class FileSourceProvider implements SourceProvider {
    @Override
    public String type() {
        return "file";
    }

    @Override
    public SourceDefinition define(SpecSection section) {
        FileSourceConfig config = section.bind(FileSourceConfig.class);
        config.check(section.check().at(section.pointer()), section.partitionVariables());
        // Relative paths are the spec's: the working directory differs between the local, Docker and
        // Kubernetes backends, the spec file's place does not.
        Path base = Path.of(section.file()).toAbsolutePath().getParent();
        return new Definition(
                config,
                base,
                new FileSourceConfig.Fields(
                        section.field("path"), section.field("key"), section.field("max_record_bytes")));
    }

    private record Definition(FileSourceConfig config, Path base, FileSourceConfig.Fields fields)
            implements SourceDefinition {
        @Override
        public Source open(SourceContext context) {
            return new FileSource(config, base, fields);
        }

        @Override
        public String describe() {
            return config.format() + " file " + config.path() + ", keyed by " + config.key() + " (pages of "
                    + config.pageSize() + ")";
        }

        @Override
        public Optional<String> recordKey() {
            return Optional.of(config.key());
        }
    }
}
