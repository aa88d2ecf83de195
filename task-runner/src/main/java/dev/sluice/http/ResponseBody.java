package dev.sluice.http;

import dev.sluice.Masking;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

/**
 * A response body, held in blocks as it arrived (never more than the exchange's size bound):
 * parse it as a {@link #stream()} to avoid a second copy; {@link #bytes()} joins the blocks.
 */
public final class ResponseBody {
    /** No body. */
    public static final ResponseBody EMPTY = new ResponseBody(List.of(), 0);

    private final List<byte[]> blocks;
    private final long size;

    ResponseBody(List<byte[]> blocks, long size) {
        this.blocks = List.copyOf(blocks);
        this.size = size;
    }

    /** A body from the blocks it arrived in (each block is kept, not copied). */
    public static ResponseBody ofBlocks(List<byte[]> blocks) {
        return new ResponseBody(blocks, blocks.stream().mapToLong(b -> b.length).sum());
    }

    /** The body from one array (tests, fixtures). */
    public static ResponseBody of(byte[] bytes) {
        return new ResponseBody(List.of(bytes.clone()), bytes.length);
    }

    /** Its length in bytes. */
    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The body as a stream over its blocks, without copying them. */
    public InputStream stream() {
        return new SequenceInputStream(Collections.enumeration(
                blocks.stream().map(ByteArrayInputStream::new).toList()));
    }

    /** The body in one new array. */
    public byte[] bytes() {
        byte[] out = new byte[Math.toIntExact(size)];
        int at = 0;
        for (byte[] block : blocks) {
            System.arraycopy(block, 0, out, at, block.length);
            at += block.length;
        }
        return out;
    }

    /**
     * The start of the body as one line of text, for messages: at most {@code chars} characters,
     * whitespace runs collapsed, {@code …} when cut. Empty for an empty body.
     */
    public String excerpt(int chars) {
        byte[] head = new byte[(int) Math.min(size, chars * 4L)];
        int at = 0;
        for (byte[] block : blocks) {
            if (at == head.length) {
                break;
            }
            int n = Math.min(block.length, head.length - at);
            System.arraycopy(block, 0, head, at, n);
            at += n;
        }
        // masked before it is cut, so that no part of a secret shows
        String text = Masking.mask(new String(head, StandardCharsets.UTF_8))
                .replaceAll("\\s+", " ")
                .strip();
        boolean cut = text.length() > chars || head.length < size;
        return (text.length() > chars ? text.substring(0, chars) : text) + (cut ? "…" : "");
    }
}
