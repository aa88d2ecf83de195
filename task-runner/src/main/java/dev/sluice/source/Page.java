package dev.sluice.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page read from a source.
 *
 * @param records the page's records, in order
 * @param next    the position after this page: committed as the watermark with the records
 * @param last    true when the partition has no more pages
 */
public record Page(List<JsonNode> records, JsonNode next, boolean last) {
    public Page {
        records = List.copyOf(records);
    }
}
