package dev.sluice.source;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One page read from a source.
 *
 * @param records    the page's records, in order
 * @param next       the position after this page: committed as the watermark with the records
 * @param last       true when the partition has no more pages
 * @param unreadable entries of this page that could not be read as records (kept as dead letters
 *                   with the page); empty for sources whose input is always well-formed
 */
public record Page(List<JsonNode> records, JsonNode next, boolean last, List<Unreadable> unreadable) {
    public Page {
        records = List.copyOf(records);
        unreadable = List.copyOf(unreadable);
    }

    /** A page whose every entry is a record. */
    public Page(List<JsonNode> records, JsonNode next, boolean last) {
        this(records, next, last, List.of());
    }

    /** Records and unreadable entries together: what the page consumed of the input. */
    public int entries() {
        return records.size() + unreadable.size();
    }
}
