package dev.sluice.source.file.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.config.SpecField;
import dev.sluice.source.file.InputFileException;

/**
 * Where a file source stands: the byte offset of the next record (a resumed run seeks there
 * instead of reading what came before), its line number (for messages), and the fingerprint of
 * the file it belongs to. As JSON: {@code {"offset": 5120, "line": 101, "size": ..., "modified":
 * "...", "head": "..."}}.
 */
record FilePosition(long offset, long line, InputFile.Fingerprint file) {
    JsonNode json() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("offset", offset);
        json.put("line", line);
        json.put("size", file.size());
        json.put("modified", file.modified());
        json.put("head", file.head());
        return json;
    }

    static FilePosition of(JsonNode json, SpecField field) {
        if (!json.path("offset").isIntegralNumber()
                || !json.path("line").isIntegralNumber()
                || !json.path("size").isIntegralNumber()
                || !json.path("modified").isTextual()
                || !json.path("head").isTextual()) {
            throw new InputFileException(field + ": the partition's watermark " + json + " was not written by a file "
                    + "source (did the job's source change?); start the partition over: sluice reset --job ... "
                    + "--partition ...");
        }
        return new FilePosition(
                json.get("offset").asLong(),
                json.get("line").asLong(),
                new InputFile.Fingerprint(
                        json.get("size").asLong(),
                        json.get("modified").asText(),
                        json.get("head").asText()));
    }
}
