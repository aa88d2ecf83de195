package dev.sluice.source.file.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns one record's bytes into a JSON object, or says what is wrong with them. */
interface EntryParser {
    JsonNode parse(byte[] bytes) throws Bad;

    /** The bytes are not a record; the message says why, without the line number (the caller adds it). */
    final class Bad extends Exception {
        Bad(String message) {
            super(message, null, false, false);
        }
    }
}
