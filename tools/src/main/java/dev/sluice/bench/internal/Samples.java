package dev.sluice.bench.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A set of measurements, summarised without hiding the spread: every value, median, min, max.
 *
 * @param values each measurement, in the order taken
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Samples(List<Double> values, double median, double min, double max) {
    public static Samples of(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        double median =
                n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new Samples(
                values.stream().map(Samples::round).toList(),
                round(median),
                n == 0 ? Double.NaN : round(sorted.getFirst()),
                n == 0 ? Double.NaN : round(sorted.getLast()));
    }

    /** Three significant decimals at most, so results stay readable. */
    public static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double scale = Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 1000 : 100000;
        return Math.round(v * scale) / scale;
    }
}
