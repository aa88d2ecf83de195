package dev.sluice.sink;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A record that could not be written, kept with its raw payload so nothing is silently skipped.
 *
 * @param recordKey the record's key if it could be read, else null
 * @param payload   the record as the API sent it
 * @param error     what was wrong, naming the field
 */
public record DeadLetter(String recordKey, JsonNode payload, String error) {}
