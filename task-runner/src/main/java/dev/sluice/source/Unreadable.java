package dev.sluice.source;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An entry of the input that a source found but could not turn into a record (a line that is not
 * JSON, a CSV row with the wrong number of fields, a line beyond the size cap). The runner stores
 * it as a dead letter in the transaction of its page, counted against {@code dead_letters.max}:
 * nothing is skipped silently, and one bad line does not stop a million good ones.
 *
 * @param recordKey the record's key where it could still be read, else null
 * @param payload   what the input held, e.g. {@code {"line": 17, "text": "..."}}
 * @param error     what is wrong and where, e.g. {@code line 17: not valid JSON: ...}
 */
public record Unreadable(String recordKey, JsonNode payload, String error) {}
