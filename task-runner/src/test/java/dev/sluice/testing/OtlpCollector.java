package dev.sluice.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A fake OTLP/HTTP collector: a {@link HostileApi} that accepts {@code /v1/traces} and
 * {@code /v1/metrics} and keeps each request (headers, protobuf body), plus a decoder for the
 * few fields of an {@code ExportMetricsServiceRequest} the tests read (opentelemetry-proto's
 * field numbers; no protobuf library needed for that much).
 */
public final class OtlpCollector {
    private OtlpCollector() {}

    /** A collector answering 200 to every export. */
    public static HostileApi start() {
        HostileApi.Reply ok = c -> c.send("HTTP/1.1 200 OK\r\nConnection: close\r\n"
                + "Content-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n");
        return HostileApi.start().on("/v1/traces", ok).on("/v1/metrics", ok);
    }

    /** One data point: a sum's or gauge's value, or a histogram's count. */
    public record Point(String metric, Map<String, String> attributes, double value) {}

    /** Every point of every metric in the latest export to {@code collector} (cumulative: the totals). */
    public static List<Point> latestMetrics(HostileApi collector) {
        List<HostileApi.Recorded> exports = collector.requests("/v1/metrics");
        return exports.isEmpty() ? List.of() : metrics(exports.getLast().body());
    }

    /** The sum of {@code metric}'s points (over all attributes) in the latest export. */
    public static double total(HostileApi collector, String metric) {
        return latestMetrics(collector).stream()
                .filter(p -> p.metric().equals(metric))
                .mapToDouble(Point::value)
                .sum();
    }

    /** Every span name in every traces export (protobuf strings are plain UTF-8: found by search). */
    public static String traces(HostileApi collector) {
        StringBuilder all = new StringBuilder();
        collector.requests("/v1/traces").forEach(r -> all.append(new String(r.body(), StandardCharsets.UTF_8)));
        return all.toString();
    }

    static List<Point> metrics(byte[] request) {
        List<Point> points = new ArrayList<>();
        for (byte[] resource : fields(request, 1)) {
            for (byte[] scope : fields(resource, 2)) {
                for (byte[] metric : fields(scope, 2)) {
                    String name = string(fields(metric, 1).getFirst());
                    fields(metric, 7).forEach(sum -> number(name, sum, points)); // Sum
                    fields(metric, 5).forEach(gauge -> number(name, gauge, points)); // Gauge
                    for (byte[] histogram : fields(metric, 9)) {
                        for (byte[] p : fields(histogram, 1)) { // HistogramDataPoint: count is field 4
                            points.add(new Point(
                                    name,
                                    attributes(fields(p, 9)),
                                    fixed64(fields(p, 4)).orElse(0)));
                        }
                    }
                }
            }
        }
        return points;
    }

    private static void number(String name, byte[] data, List<Point> points) {
        for (byte[] p : fields(data, 1)) { // NumberDataPoint: as_double 4, as_int 6, attributes 7
            List<byte[]> asInt = fields(p, 6);
            double value = asInt.isEmpty()
                    ? Double.longBitsToDouble(fixed64(fields(p, 4)).orElse(0))
                    : fixed64(asInt).orElse(0);
            points.add(new Point(name, attributes(fields(p, 7)), value));
        }
    }

    private static Map<String, String> attributes(List<byte[]> keyValues) {
        Map<String, String> out = new HashMap<>();
        for (byte[] kv : keyValues) {
            List<byte[]> value = fields(kv, 2);
            List<byte[]> text = value.isEmpty() ? List.of() : fields(value.getFirst(), 1);
            out.put(string(fields(kv, 1).getFirst()), text.isEmpty() ? "" : string(text.getFirst()));
        }
        return out;
    }

    private static OptionalLong fixed64(List<byte[]> values) {
        return values.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(ByteBuffer.wrap(values.getFirst())
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong());
    }

    private static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The raw values of field {@code number} in a message: length-delimited bodies, or 8 bytes of a fixed64. */
    private static List<byte[]> fields(byte[] message, int number) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(message);
        while (in.hasRemaining()) {
            long key = varint(in);
            int field = (int) (key >>> 3);
            int type = (int) (key & 7);
            byte[] value = switch (type) {
                case 0 -> {
                    varint(in);
                    yield null;
                }
                case 1 -> take(in, 8);
                case 2 -> take(in, (int) varint(in));
                case 5 -> take(in, 4);
                default -> throw new IllegalArgumentException("protobuf wire type " + type + " at " + in.position());
            };
            if (field == number && value != null) {
                out.add(value);
            }
        }
        return out;
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }
}
