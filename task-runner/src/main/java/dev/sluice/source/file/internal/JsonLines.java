package dev.sluice.source.file.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sluice.Json;
import dev.sluice.Masking;
import java.io.IOException;
import java.util.Locale;

/**
 * A JSON Lines record: one JSON object, nothing after it, no field twice; numbers exact (12.50
 * stays 12.50). Jackson reads the UTF-8 bytes itself and refuses invalid UTF-8.
 */
final class JsonLines implements EntryParser {
    static final JsonLines INSTANCE = new JsonLines();
    private static final int MAX_ERROR = 300;
    private static final ObjectReader READER = Json.MAPPER
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonLines() {}

    @Override
    public JsonNode parse(byte[] bytes) throws Bad {
        JsonNode node;
        try {
            node = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            String message = Masking.mask(e.getOriginalMessage()); // before the cut
            message = message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) + "..." : message;
            throw new Bad("not valid JSON: " + message
                    + (e.getLocation() == null
                            ? ""
                            : " (column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new Bad("not valid JSON: " + e.getClass().getSimpleName());
        }
        if (!node.isObject()) {
            throw new Bad("a JSON " + node.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not an object");
        }
        return node;
    }
}
