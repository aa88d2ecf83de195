package dev.sluice.source.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.SpecField;
import dev.sluice.source.file.FileSourceConfig;
import dev.sluice.source.file.InputFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a file must be for its records to be read once each, and the messages when it is not: a
 * CSV header with distinct names that has the key; a key in every record; the file a committed
 * position was read from.
 */
record FileRules(FileSourceConfig config, FileSourceConfig.Fields fields) {
    SpecField pathField() {
        return fields.path();
    }

    SpecField maxBytesField() {
        return fields.maxRecordBytes();
    }

    /** Why a record cannot be keyed, or null when it can. */
    String keyProblem(JsonNode record) {
        JsonNode key = record.get(config.key());
        if (key == null || key.isNull()) {
            return "the record has no " + config.key() + " (the key), or it is null";
        }
        if (key.isContainerNode()) {
            return "the record's " + config.key() + " (the key) is " + (key.isArray() ? "a list" : "an object")
                    + ", not a single value";
        }
        return null;
    }

    /** The parser for a CSV file with this header, or a refusal naming the problem. */
    CsvRecords csv(RecordReader.Chunk header, Path file) {
        if (header.oversized() || header.unclosed()) {
            throw headerProblem(
                    file,
                    "its header row cannot be read (longer than " + config.maxRecordBytes()
                            + " bytes, or a quote is not closed)");
        }
        List<String> names;
        try {
            names = new CsvRecords(List.of(), config.delimiterChar(), config.quoteChar())
                    .fields(CsvRecords.decode(header.bytes()));
        } catch (EntryParser.Bad e) {
            throw headerProblem(file, "its header row cannot be read: " + e.getMessage());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null || names.get(i).isEmpty()) {
                throw headerProblem(file, "column " + (i + 1) + " of its header row has no name");
            }
            if (!seen.add(names.get(i))) {
                throw headerProblem(file, "its header row names " + names.get(i) + " twice");
            }
        }
        if (!seen.contains(config.key())) {
            throw new InputFileException(fields.key() + ": " + file + " has no column " + config.key()
                    + "; its header row names " + String.join(", ", names));
        }
        return new CsvRecords(names, config.delimiterChar(), config.quoteChar());
    }

    InputFileException changed(Path file, FilePosition at, InputFile.Fingerprint now) {
        return new InputFileException(fields.path() + ": " + file + " changed since this partition started reading "
                + "it (" + at.file().difference(now) + "), so the committed position (byte " + at.offset() + ", line "
                + at.line() + ") means nothing in it. To read the new file from its first record, start the partition "
                + "over (sluice reset --job ... --partition ..., or sluice run ... --force); to finish the old one, "
                + "put it back");
    }

    private InputFileException headerProblem(Path file, String problem) {
        return new InputFileException(fields.path() + ": " + file + " is a CSV file, but " + problem
                + "; a CSV input starts with a header row naming each column once");
    }
}
