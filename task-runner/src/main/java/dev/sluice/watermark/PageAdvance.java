package dev.sluice.watermark;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What committing one page does to its partition's watermark.
 *
 * @param from        the watermark the page was read from (null before the first page)
 * @param to          the watermark after the page
 * @param records     records written
 * @param deadLetters records kept as dead letters
 * @param last        the page is the partition's last: the partition is done
 */
public record PageAdvance(JsonNode from, JsonNode to, int records, int deadLetters, boolean last) {}
