package dev.sluice.source.file;

import dev.sluice.config.SpecCheck;
import dev.sluice.config.SpecField;
import dev.sluice.source.http.Templates;
import java.util.Set;

/**
 * {@code source: {type: file}}: records from a JSON Lines or CSV file, in file order.
 *
 * @param path           the file; may use {@code {partition}} and {@code {partition.<name>}}; a
 *                       relative path is taken from the spec file's directory
 * @param format         {@code jsonl} or {@code csv}; by default from the extension
 *                       ({@code .jsonl}, {@code .ndjson}, {@code .csv})
 * @param key            the field (CSV: the column) that identifies a record
 * @param pageSize       records per page (default 1000)
 * @param maxRecordBytes the longest record, in bytes (default 1 MiB); a longer one is a dead letter
 * @param delimiter      CSV only: the field separator (default {@code ,})
 * @param quote          CSV only: the quote character (default {@code "})
 */
public record FileSourceConfig(
        String path,
        FileFormat format,
        String key,
        Integer pageSize,
        Integer maxRecordBytes,
        String delimiter,
        String quote) {
    /** The most records one page may ask for. */
    public static final int MAX_PAGE_SIZE = 100_000;

    /** The largest record cap: 64 MiB. */
    public static final int MAX_RECORD_BYTES = 64 << 20;

    public FileSourceConfig {
        format = format == null && path != null ? FileFormat.ofExtension(path) : format;
        pageSize = pageSize == null ? 1000 : pageSize;
        maxRecordBytes = maxRecordBytes == null ? 1 << 20 : maxRecordBytes;
    }

    /** Where the fields are written, for messages at run time. */
    public record Fields(SpecField path, SpecField key, SpecField maxRecordBytes) {}

    /** The CSV delimiter as one character. */
    public char delimiterChar() {
        return delimiter == null ? ',' : delimiter.charAt(0);
    }

    /** The CSV quote as one character. */
    public char quoteChar() {
        return quote == null ? '"' : quote.charAt(0);
    }

    /** Checks every rule of this section, reporting all problems; reads no file. */
    void check(SpecCheck check, Set<String> partitionVariables) {
        if (path == null || path.isBlank()) {
            check.fail("path", "is required, e.g. path: exports/customers-{partition}.jsonl");
        } else {
            Templates.check(path, partitionVariables, check, "path");
            check.require(path.indexOf('\0') < 0, "path", "contains a NUL character");
        }
        if (format == null && path != null) {
            check.fail(
                    "format",
                    "is required when the path does not end in .jsonl, .ndjson or .csv: format: jsonl or "
                            + "format: csv");
        }
        if (key == null || key.isBlank()) {
            check.fail("key", "is required: the field that identifies a record, e.g. key: customer_id");
        }
        check.require(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE, "page_size", "must be from 1 to " + MAX_PAGE_SIZE);
        check.require(
                maxRecordBytes >= 1024 && maxRecordBytes <= MAX_RECORD_BYTES,
                "max_record_bytes",
                "must be from 1024 to " + MAX_RECORD_BYTES + " (64 MiB)");
        checkCsv(check);
    }

    private void checkCsv(SpecCheck check) {
        if (format != FileFormat.CSV) {
            check.require(delimiter == null, "delimiter", "is for format: csv only");
            check.require(quote == null, "quote", "is for format: csv only");
            return;
        }
        checkCharacter(check, "delimiter", delimiter);
        checkCharacter(check, "quote", quote);
        check.require(delimiterChar() != quoteChar(), "quote", "must differ from the delimiter");
    }

    private static void checkCharacter(SpecCheck check, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() != 1 || value.charAt(0) > 0x7f) {
            check.fail(field, "must be one ASCII character, e.g. \",\", \";\" or \"\\t\"");
        } else if (value.charAt(0) == '\n' || value.charAt(0) == '\r') {
            check.fail(field, "cannot be a line break");
        }
    }
}
