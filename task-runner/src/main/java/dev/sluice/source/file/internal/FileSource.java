package dev.sluice.source.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.partition.Partition;
import dev.sluice.source.Page;
import dev.sluice.source.Source;
import dev.sluice.source.file.FileSourceConfig;
import dev.sluice.source.http.Templates;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a JSON Lines or CSV file a page at a time, in file order, with memory bounded by the page
 * (never the file). The position is the byte offset of the next record with the file's
 * fingerprint: a resumed run seeks there, and a file replaced between attempts is refused (78)
 * instead of being read from a position that means nothing in it. A record that cannot be read (not
 * JSON, a CSV row with the wrong number of fields, no key, longer than the cap) is returned as an
 * {@link dev.sluice.source.Unreadable} entry, which the runner keeps as a dead letter.
 */
public final class FileSource implements Source {
    private final FileSourceConfig config;
    private final Path base;
    private final FileRules rules;
    private Cursor cursor;

    /**
     * @param base the directory a relative path is taken from (the spec file's)
     */
    public FileSource(FileSourceConfig config, Path base, FileSourceConfig.Fields fields) {
        this.config = config;
        this.base = base;
        this.rules = new FileRules(config, fields);
    }

    @Override
    public Page read(Partition partition, JsonNode position) {
        Path file = base.resolve(Templates.render(config.path(), partition)).normalize();
        FilePosition at = position == null ? null : FilePosition.of(position, rules.pathField());
        try {
            if (cursor == null || !cursor.continues(file, at)) {
                close();
                cursor = Cursor.open(file, at, config, rules);
            }
            return cursor.page(rules);
        } catch (IOException e) {
            throw InputFile.failed(file, e);
        }
    }

    @Override
    public void close() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (IOException e) {
                // a read-only channel: nothing was written that closing could lose
            }
            cursor = null;
        }
    }
}
