#!/usr/bin/env python3
"""Sink throughput: Sluice's page path vs a raw COPY of the same rows (see bench/README.md).

Runs `sluice bench sink` (all contenders side by side in one JVM, one database) with the
launcher's JIT settings (C1 only, as every run uses), then with C2 (the JSON-to-row conversion is
CPU-bound): without the AOT cache, and with it (the cache was trained with C1 only; a short run
without prototypes). Writes bench/results/sink.json and sink.md.
"""

import argparse
import sys

import harness

# name: (description, SLUICE_JAVA_OPTS, SLUICE_AOT, prototypes)
VARIANTS = {
    "c1": ("launcher defaults: C1 only (-XX:TieredStopAtLevel=1), AOT cache on, as `sluice run` uses", "", "auto", True),
    "c2": ("SLUICE_JAVA_OPTS=-XX:TieredStopAtLevel=4 (C2 as well), SLUICE_AOT=off", "-XX:TieredStopAtLevel=4", "off", True),
    "c2_aot": ("SLUICE_JAVA_OPTS=-XX:TieredStopAtLevel=4 with the AOT cache (trained with C1 only)",
               "-XX:TieredStopAtLevel=4", "auto", False),
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
            what, opts, aot, prototypes = VARIANTS[variant]
            harness.log(f"sluice bench sink, {what}")
            env = dict(db["env"], SLUICE_JAVA_OPTS=opts, SLUICE_AOT=aot)
            code, result, seconds, stderr = harness.sluice(
                ["bench", "sink", "--records", str(args.records), "--repetitions", str(args.repetitions),
                 "--page-sizes", args.page_sizes] + (["--prototypes"] if prototypes else []), env, timeout=3600)
            if code != 0 or result is None:
                sys.exit(f"sluice bench sink failed (exit {code}):\n{stderr[-3000:]}")
            runs[variant] = {"jit": what, "seconds": round(seconds, 1), "load_average_after": harness.machine()[
                "load_average_1_5_15"], "result": result}
    data = {"bench": "sink", "machine_before": before, "machine_after": harness.machine(), "runs": runs}
    harness.write("sink", data, markdown(data))
    if not all(size["same_rows"] for run in runs.values() for size in run["result"]["page_sizes"]):
        sys.exit("the contenders did not all leave the same rows: the comparison is void (see sink.json)")


def markdown(data):
    first = next(iter(data["runs"].values()))["result"]
    out = ["# Sink throughput: Sluice's page path vs raw COPY", "",
           f"Machine: {harness.machine_line(data['machine_before'])}  ",
           f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
           f"PostgreSQL {first['server']['version']} (embedded), fsync={first['server'].get('fsync')}, "
           f"synchronous_commit={first['server'].get('synchronous_commit')}, "
           f"shared_buffers={first['server'].get('shared_buffers')}  ",
           f"{first['records']} orders per timed pass (the sandbox's, awkward notes included), "
           f"{first['repetitions']} passes per contender, contenders rotated per repetition, "
           "empty table + CHECKPOINT before each pass. Ratios are paired per repetition (median, min-max).", ""]
    for variant, run in data["runs"].items():
        load = " ".join(f"{x:.2f}" for x in run["load_average_after"])
        out += [f"## JIT: {run['jit']}", "", f"({run['seconds']:.0f} s; load average after: {load})", ""]
        for size in run["result"]["page_sizes"]:
            out += [f"### Page size {size['page_size']} ({size['pages']} transactions per pass)"
                    f"{'' if size['same_rows'] else ' — WARNING: contenders left different rows'}", "",
                    "| contender | records/s median | min | max | ÷ `copy` | ÷ Sluice (same table state) |",
                    "|---|---:|---:|---:|---:|---:|"]
            for c in size["contenders"]:
                r = c["records_per_second"]
                to_copy = "" if c["name"].startswith("copy") else percent(c["to_copy"])
                to_sluice = "" if c["name"].startswith(("copy", "sluice")) or not c.get("to_sluice") else \
                    f"{c['to_sluice']['median']:.2f}× ({c['to_sluice']['min']:.2f}-{c['to_sluice']['max']:.2f})"
                out.append(f"| `{c['name']}` | {r['median']:,.0f} | {r['min']:,.0f} | {r['max']:,.0f} | {to_copy} | {to_sluice} |")
            out += ["", f"Sluice vs one COPY of all rows (`copy_single`): {size['sink_to_copy_single']['median']:.0%}.", ""]
            out += anatomy(size)
    out += ["Contenders:", ""]
    widest = max((run["result"] for run in data["runs"].values()), key=lambda r: len(r["page_sizes"][0]["contenders"]))
    out += [f"- `{c['name']}`: {c['description']}" for c in widest["page_sizes"][0]["contenders"]]
    return "\n".join(out)


def percent(s):
    return f"{s['median']:.0%} ({s['min']:.0%}-{s['max']:.0%})"


def anatomy(size):
    if not size.get("anatomy"):
        return []
    variants = list(size["anatomy"].items())
    head = " | ".join(f"`{name}` µs/page | share" for name, _ in variants)
    out = [f"Where a page transaction's time goes (page size {size['page_size']}, step by step, median):", "",
           f"| step | {head} |", "|---|" + "---:|---:|" * len(variants)]
    for step in variants[0][1]["per_page_micros"]:
        cells = " | ".join(f"{a['per_page_micros'][step]:,.0f} | {a['share'][step]:.0%}" for _, a in variants)
        out.append(f"| {step} | {cells} |")
    totals = " | ".join(f"**{a['total_per_page_micros']:,.0f}** | {a['records_per_second']:,.0f} rec/s" for _, a in variants)
    out += [f"| total (implied rate) | {totals} |", ""]
    return out


if __name__ == "__main__":
    main()
