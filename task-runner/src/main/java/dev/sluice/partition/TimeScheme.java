package dev.sluice.partition;

import dev.sluice.UsageException;
import dev.sluice.config.SpecCheck;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Daily and hourly partitions, in UTC; windows are half-open [from, to), like Airflow's intervals. */
final class TimeScheme implements PartitionScheme {
    static final TimeScheme DAILY = new TimeScheme(ChronoUnit.DAYS);
    static final TimeScheme HOURLY = new TimeScheme(ChronoUnit.HOURS);
    /** Strict: hour 24 is refused, never rolled over into the next day's T00. */
    private static final DateTimeFormatter HOUR_KEY =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH").withResolverStyle(ResolverStyle.STRICT);
    /** Four-digit years only (0001-9999): a key is written exactly one way. */
    private static final Pattern DAY_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private static final Pattern HOUR_FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}");

    private final ChronoUnit unit;

    private TimeScheme(ChronoUnit unit) {
        this.unit = unit;
    }

    @Override
    public void check(PartitionSpec spec, SpecCheck check) {
        Instant start = bound(spec.start(), "start", check);
        Instant end = bound(spec.end(), "end", check);
        if (start != null && end != null && !end.isAfter(start)) {
            check.fail("end", "must be after start (end is exclusive)");
        }
        check.require(spec.values().isEmpty(), "values", "is only for list partitions");
        check.require(spec.count() == null, "count", "is only for shards partitions");
    }

    private Instant bound(String text, String field, SpecCheck check) {
        if (text == null) {
            return null;
        }
        try {
            return parseBound(text, field);
        } catch (UsageException e) {
            check.fail(field, "expected " + boundForm());
            return null;
        }
    }

    @Override
    public Partition parse(PartitionSpec spec, String key) {
        Instant start = key(key);
        if (start == null) {
            throw new UsageException("partition \"" + key + "\" is not "
                    + (unit == ChronoUnit.DAYS ? "a daily" : "an hourly") + " partition key: " + keyForm());
        }
        return partition(start);
    }

    /** The start of the partition a key names, or null: one strict form, a real date, hours 00-23. */
    private Instant key(String key) {
        boolean shaped =
                (unit == ChronoUnit.DAYS ? DAY_FORM : HOUR_FORM).matcher(key).matches();
        if (!shaped || key.startsWith("0000")) {
            return null;
        }
        try {
            return unit == ChronoUnit.DAYS
                    ? LocalDate.parse(key).atStartOfDay().toInstant(ZoneOffset.UTC)
                    : LocalDateTime.parse(key, HOUR_KEY).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public List<Partition> plan(PartitionSpec spec, String from, String to) {
        String first = from != null ? from : spec.start();
        String last = to != null ? to : spec.end();
        if (first == null || last == null) {
            throw new UsageException("give --from and --to (" + boundForm() + "), or set partitions.start and "
                    + "partitions.end in the job spec");
        }
        Instant start = parseBound(first, "--from");
        Instant end = parseBound(last, "--to");
        if (!end.isAfter(start)) {
            throw new UsageException("--to (" + last + ") must be after --from (" + first + "); --to is exclusive");
        }
        long count = unit.between(start, end);
        if (count > PartitionSpec.MAX_PLAN) {
            throw new UsageException("the window " + first + " to " + last + " has " + count + " partitions, more than "
                    + PartitionSpec.MAX_PLAN + "; plan a narrower window");
        }
        List<Partition> plan = new ArrayList<>();
        for (Instant t = start; t.isBefore(end); t = t.plus(1, unit)) {
            plan.add(partition(t));
        }
        return plan;
    }

    @Override
    public String keyForm() {
        return unit == ChronoUnit.DAYS
                ? "a date like 2026-11-01 (year 0001-9999, a real day)"
                : "a UTC hour like 2026-11-01T05 (hours T00 to T23)";
    }

    private String boundForm() {
        return unit == ChronoUnit.DAYS
                ? "a date like 2026-11-01"
                : "a UTC hour like 2026-11-01T05 (T00 to T23) or 2026-11-01T05:00:00Z";
    }

    /** A window bound: a date for daily partitions, a whole UTC hour for hourly ones; keys' strict forms. */
    private Instant parseBound(String text, String name) {
        try {
            String t = text.trim();
            boolean keyShaped = unit == ChronoUnit.DAYS || t.length() == 13;
            Instant instant = keyShaped ? key(t) : Instant.parse(t);
            if (instant == null || (!keyShaped && (t.contains("T24:") || !inKeyYears(instant)))) {
                throw new UsageException(name + " = " + text + " is not " + boundForm());
            }
            if (!instant.truncatedTo(ChronoUnit.HOURS).equals(instant)) {
                throw new UsageException(
                        name + " = " + text + " is not on the hour; hourly windows start on whole hours");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw new UsageException(name + " = " + text + " is not " + boundForm());
        }
    }

    /** Keys have four-digit years; an instant bound outside them would plan keys that cannot be parsed. */
    private static boolean inKeyYears(Instant instant) {
        int year = instant.atOffset(ZoneOffset.UTC).getYear();
        return year >= 1 && year <= 9999;
    }

    private Partition partition(Instant start) {
        Instant end = start.plus(1, unit);
        Map<String, String> vars = new LinkedHashMap<>();
        if (unit == ChronoUnit.DAYS) {
            vars.put("start", LocalDate.ofInstant(start, ZoneOffset.UTC).toString());
            vars.put("end", LocalDate.ofInstant(end, ZoneOffset.UTC).toString());
            vars.put("start_time", start.toString());
            vars.put("end_time", end.toString());
            return new Partition(vars.get("start"), vars);
        }
        vars.put("start", start.toString());
        vars.put("end", end.toString());
        vars.put("date", LocalDate.ofInstant(start, ZoneOffset.UTC).toString());
        return new Partition(HOUR_KEY.format(LocalDateTime.ofInstant(start, ZoneOffset.UTC)), vars);
    }
}
