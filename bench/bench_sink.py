#!/usr/bin/env python3
"""Sink throughput: Sluice's page path vs a raw COPY of the same rows (see bench/README.md).

Runs `sluice bench sink` (all contenders side by side in one JVM, one database) once with the
launcher's JIT settings (C1 only, as every run uses) and once with C2, because the JSON-to-row
conversion is CPU-bound. Writes bench/results/sink.json and sink.md.
"""

import argparse
import sys

import harness

VARIANTS = {
    "c1": ("launcher defaults: C1 only (-XX:TieredStopAtLevel=1), as `sluice run` uses", ""),
    "c2": ("SLUICE_JAVA_OPTS=-XX:TieredStopAtLevel=4 (C2 as well)", "-XX:TieredStopAtLevel=4"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=50000)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--page-sizes", default="100,1000")
    parser.add_argument("--variants", default="c1,c2", help="c1, c2 or both")
    args = parser.parse_args()
    before = harness.machine()
    runs = {}
    with harness.database() as db:
        for variant in args.variants.split(","):
            what, opts = VARIANTS[variant]
            harness.log(f"sluice bench sink, {what}")
            env = dict(db["env"], SLUICE_JAVA_OPTS=opts)
            code, result, seconds, stderr = harness.sluice(
                ["bench", "sink", "--records", str(args.records), "--repetitions", str(args.repetitions),
                 "--page-sizes", args.page_sizes, "--prototypes"], env, timeout=3600)
            if code != 0 or result is None:
                sys.exit(f"sluice bench sink failed (exit {code}):\n{stderr[-3000:]}")
            runs[variant] = {"jit": what, "seconds": round(seconds, 1), "result": result}
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
        out += [f"## JIT: {run['jit']}", ""]
        for size in run["result"]["page_sizes"]:
            out += [f"### Page size {size['page_size']} ({size['pages']} transactions per pass)"
                    f"{'' if size['same_rows'] else ' — WARNING: contenders left different rows'}", "",
                    "| contender | records/s median | min | max | ratio to `copy` |", "|---|---:|---:|---:|---:|"]
            ratios = {"sluice": size["sink_to_copy"], **size["prototypes_to_copy"]}
            for c in size["contenders"]:
                r = c["records_per_second"]
                ratio = ratios.get(c["name"])
                ratio_text = f"{ratio['median']:.0%} ({ratio['min']:.0%}-{ratio['max']:.0%})" if ratio else ""
                out.append(f"| `{c['name']}` | {r['median']:,.0f} | {r['min']:,.0f} | {r['max']:,.0f} | {ratio_text} |")
            out += ["", f"Sluice vs one COPY of all rows (`copy_single`): {size['sink_to_copy_single']['median']:.0%}.", ""]
            out += anatomy(size)
    out += ["Contenders:", ""]
    out += [f"- `{c['name']}`: {c['description']}" for c in first["page_sizes"][0]["contenders"]]
    return "\n".join(out)


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
