#!/usr/bin/env python3
"""Sink throughput: Sluice's page path vs a raw COPY of the same rows (see bench/README.md).

Runs `sluice bench sink` (all contenders side by side in one JVM, one database) with the
launcher's JIT settings (C1 only, as every run uses), then with C2 (the JSON-to-row conversion is
CPU-bound): without the AOT cache, and with it (the cache was trained with C1 only). Writes
bench/results/sink.json and sink.md.
"""

import argparse
import sys

import harness

TARGET = 0.70  # the sink's target in the issue: at least 70% of raw COPY's records/s

# name: (description, SLUICE_JAVA_OPTS, SLUICE_AOT)
VARIANTS = {
    "c1": ("launcher defaults: C1 only (-XX:TieredStopAtLevel=1), AOT cache on, as `sluice run` uses", "", "auto"),
    "c2": ("SLUICE_JAVA_OPTS=-XX:TieredStopAtLevel=4 (C2 as well), SLUICE_AOT=off", "-XX:TieredStopAtLevel=4", "off"),
    "c2_aot": ("SLUICE_JAVA_OPTS=-XX:TieredStopAtLevel=4 with the AOT cache (trained with C1 only)",
               "-XX:TieredStopAtLevel=4", "auto"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--page-sizes", default="100,1000")
    parser.add_argument("--variants", default="c1,c2,c2_aot", help="any of c1, c2, c2_aot")
    args = parser.parse_args()
    before = harness.machine()
    runs = {}
    with harness.database() as db:
        for variant in args.variants.split(","):
            what, opts, aot = VARIANTS[variant]
            harness.log(f"sluice bench sink, {what}")
            env = dict(db["env"], SLUICE_JAVA_OPTS=opts, SLUICE_AOT=aot)
            load_before = harness.machine()["load_average_1_5_15"]
            code, result, seconds, stderr = harness.sluice(
                ["bench", "sink", "--records", str(args.records), "--repetitions", str(args.repetitions),
                 "--page-sizes", args.page_sizes], env, timeout=3600)
            if code != 0 or result is None:
                sys.exit(f"sluice bench sink failed (exit {code}):\n{stderr[-3000:]}")
            runs[variant] = {"jit": what, "seconds": round(seconds, 1), "load_average_before": load_before,
                             "load_average_after": harness.machine()["load_average_1_5_15"], "result": result}
    data = {"bench": "sink", "target_to_copy": TARGET, "machine_before": before, "machine_after": harness.machine(),
            "runs": runs}
    harness.write("sink", data, markdown(data))
    if not all(size["same_rows"] for run in runs.values() for size in run["result"]["page_sizes"]):
        sys.exit("the contenders did not all leave the same rows: the comparison is void (see sink.json)")


def markdown(data):
    first = next(iter(data["runs"].values()))["result"]
    out = ["# Sink throughput: Sluice's page path vs raw COPY", "",
           f"Machine: {harness.machine_line(data['machine_before'])}  ",
           f"After: load average {loads(data['machine_after']['load_average_1_5_15'])}  ",
           f"PostgreSQL {first['server']['version']} (embedded), fsync={first['server'].get('fsync')}, "
           f"synchronous_commit={first['server'].get('synchronous_commit')}, "
           f"shared_buffers={first['server'].get('shared_buffers')}  ",
           f"{first['records']} orders per timed pass (the sandbox's, awkward notes included), "
           f"{first['repetitions']} passes per contender, contenders rotated per repetition, "
           "empty table + CHECKPOINT before each pass. Ratios are paired per repetition (median, min-max).", ""]
    out += headline(data)
    for run in data["runs"].values():
        out += [f"## JIT: {run['jit']}", "",
                f"({run['seconds']:.0f} s; load average before: {loads(run['load_average_before'])}, "
                f"after: {loads(run['load_average_after'])})", ""]
        for size in run["result"]["page_sizes"]:
            out += page_size(size)
    out += ["Contenders:", ""]
    out += [f"- `{c['name']}`: {c['description']}" for c in first["page_sizes"][0]["contenders"]]
    return "\n".join(out)


def headline(data):
    out = [f"Target of the issue: the sink at ≥ {TARGET:.0%} of raw COPY's records/s (`copy`, one autocommitted COPY "
           "per page on an empty table). Measured, median (min-max) of the per-repetition ratios:", "",
           "| JIT | page size | `sluice` (first pass, empty table) ÷ `copy` | `sluice_on_full_table` ÷ `copy` |",
           "|---|---:|---:|---:|"]
    for variant, run in data["runs"].items():
        for size in run["result"]["page_sizes"]:
            by = {c["name"]: c for c in size["contenders"]}
            cells = [f"{percent(by[n]['to_copy'])} {'met' if by[n]['to_copy']['median'] >= TARGET else 'not met'}"
                     for n in ("sluice", "sluice_on_full_table")]
            out.append(f"| {variant} | {size['page_size']} | {cells[0]} | {cells[1]} |")
    return out + [""]


def page_size(size):
    out = [f"### Page size {size['page_size']} ({size['pages']} transactions per pass)"
           f"{'' if size['same_rows'] else ' — WARNING: contenders left different rows'}", "",
           "| contender | records/s median | min | max | ÷ `copy` | ÷ `copy_single` |",
           "|---|---:|---:|---:|---:|---:|"]
    for c in size["contenders"]:
        r = c["records_per_second"]
        to_copy = "" if c["name"] == "copy" else percent(c["to_copy"])
        to_single = "" if c["name"] == "copy_single" else percent(c["to_copy_single"])
        out.append(f"| `{c['name']}` | {r['median']:,.0f} | {r['min']:,.0f} | {r['max']:,.0f} | {to_copy} | {to_single} |")
    split = [c for c in size["contenders"] if c.get("split")]
    if split:
        out += ["", "Where a page transaction's time goes (µs per page, median (min-max)). In the sink: its own work, "
                    "timed by a decorator around the real sink's `Sink.statement`/`Sink.write` (converting the records "
                    "into its write's text arrays; the write itself runs in the page's round trip). Outside it: the "
                    "page's one round trip (the watermark update with the fence folded in, then the sink's write "
                    "function, committed as one implicit transaction; pages with dead letters add BEGIN, their "
                    "insert and COMMIT):", "",
                "| contender | `PageTransaction.commit` | in the sink | outside it | sink share |",
                "|---|---:|---:|---:|---:|"]
        for c in split:
            s = c["split"]
            out.append(f"| `{c['name']}` | {micros(s['commit'])} | {micros(s['sink_write'])} | "
                       f"{micros(s['outside_sink'])} | {percent(s['sink_share'])} |")
    with_cpu = [c for c in size["contenders"] if c.get("cpu")]
    if with_cpu:
        out += ["", "CPU µs per record, median (min-max) over the passes: this JVM (all threads, kernel time included) "
                    "and the PostgreSQL server's processes (`/proc`, 10 ms ticks). CPU time holds on a loaded machine "
                    "where records/s does not; on an idle one, a page's wall time is about the sum of both sides "
                    "(one connection, each side waits for the other), so `copy`'s total ÷ a contender's total "
                    "predicts the ratio a quiet machine shows:", "",
                "| contender | client | server | total | `copy`'s total ÷ this total |",
                "|---|---:|---:|---:|---:|"]
        by = {c["name"]: c for c in with_cpu}
        copy_total = by["copy"]["cpu"]["total"]["median"] if "copy" in by else None
        for c in with_cpu:
            u = c["cpu"]
            predicted = f"{copy_total / u['total']['median']:.0%}" if copy_total and u["total"]["median"] else ""
            out.append(f"| `{c['name']}` | {cell(u['client'], '{:.2f}')} | {cell(u['server'], '{:.2f}')} | "
                       f"{cell(u['total'], '{:.2f}')} | {predicted} |")
    if "sluice_round_trips" in size:
        out += ["", f"Round trips per page: `sluice` {size['sluice_round_trips']:.2f} (statements sent and commits, "
                    "counted through the DataSource on an untimed pass); `copy` 2 (COPY start; data, end and commit)."]
    return out + [""]


def loads(values):
    return " ".join(f"{x:.2f}" for x in values)


def percent(s):
    return cell(s, "{:.0%}")


def micros(s):
    return cell(s, "{:,.0f}")


def cell(s, pattern):
    """median (min-max); a value that is not a number (NaN from Java, e.g. nothing was timed) shows as-is."""
    f = lambda v: pattern.format(v) if isinstance(v, (int, float)) else str(v)
    return f"{f(s['median'])} ({f(s['min'])}-{f(s['max'])})"


if __name__ == "__main__":
    main()
