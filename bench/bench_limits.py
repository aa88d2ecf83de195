#!/usr/bin/env python3
"""Shared limit vs the naive script: the same 8 partitions through the same strict sandbox.

One sandbox (`--limit window:50/1s`, no faults, 1000 orders per partition), 8 partitions read in
pages of 10 (100 pages each, 800 useful calls). Contenders, one after the other in this run, with
the sandbox's stats reset (and an idle window) before each:
  sluice: 8 concurrent `sluice run` processes sharing one limit `rates: [50/1s]` in PostgreSQL;
  naive:  8 concurrent bench/naive_client.py processes (2**i + random() backoff on 429, no shared
          budget, no Retry-After).
Ground truth (requests, 429s, first/last request) comes from the sandbox; useful pages from
Sluice's summaries and the naive clients' own counts. Writes bench/results/limits.json and .md.
"""

import argparse
import datetime
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

LIMIT_PER_SECOND = 50
PAGE_SIZE = 10
RECORDS = 1000
PARTITIONS = [f"2026-11-{day:02d}" for day in range(1, 9)]
NAIVE = Path(__file__).resolve().parent / "naive_client.py"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repetitions", type=int, default=3,
                        help="rounds; each runs both contenders, the order alternating (default 3)")
    args = parser.parse_args()
    before = harness.machine()
    contenders = {"sluice": [], "naive": []}
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-limits-") as tmp:
        sandbox = harness.Sandbox("--limit", f"window:{LIMIT_PER_SECOND}/1s", "--records-per-partition", str(RECORDS))
        try:
            env = dict(db["env"], BENCH_API=sandbox.url)
            spec = harness.job_spec(tmp, "bench_limits", PAGE_SIZE, "bench-api", f"{LIMIT_PER_SECOND}/1s")
            for rep in range(args.repetitions):
                for name in (["sluice", "naive"] if rep % 2 == 0 else ["naive", "sluice"]):
                    time.sleep(2)  # let the sandbox's window and Sluice's bucket go idle
                    sandbox.reset()
                    harness.log(f"round {rep + 1}, {name}: 8 processes, {len(PARTITIONS) * RECORDS // PAGE_SIZE} "
                                f"useful calls at most {LIMIT_PER_SECOND}/s")
                    run = run_sluice if name == "sluice" else run_naive
                    wall, processes = run(spec, env, sandbox.url)
                    result = measure(wall, processes, sandbox.stats(), name)
                    result["round"] = rep + 1
                    result["machine"] = harness.machine()
                    contenders[name].append(result)
                    harness.log(f"{name}: {wall:.1f} s wall, {result['http_429']} x 429")
        finally:
            sandbox.stop()
    data = {"bench": "limits", "machine_before": before, "machine_after": harness.machine(),
            "setup": {"sandbox_limit": f"window:{LIMIT_PER_SECOND}/1s", "partitions": PARTITIONS,
                      "records_per_partition": RECORDS, "page_size": PAGE_SIZE, "faults": "none",
                      "sluice_limit": f"rates: [{LIMIT_PER_SECOND}/1s] (default burst 1, headroom 0.01)"},
            "repetitions": args.repetitions, "contenders": contenders}
    harness.write("limits", data, markdown(data))
    short = [f"{name} round {r['round']}" for name, runs in contenders.items() for r in runs
             if r["records"] != r["records_expected"] or r["useful_calls"] != len(PARTITIONS) * RECORDS // PAGE_SIZE]
    if short:
        sys.exit(f"incomplete data, the comparison is void: {', '.join(short)}")


def run_sluice(spec, env, url):
    commands = [[str(harness.SLUICE), "run", "--job", str(spec), "--partition", p, "--force"] for p in PARTITIONS]
    return spawn_all(commands, env)


def run_naive(spec, env, url):
    commands = [[sys.executable, str(NAIVE), "--base-url", url, "--partition", p, "--page-size", str(PAGE_SIZE)]
                for p in PARTITIONS]
    return spawn_all(commands, env)


def spawn_all(commands, env):
    """Starts every command at once; wall time from the first spawn to the last exit."""
    started = time.perf_counter()
    processes = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    outputs = [p.communicate(timeout=1800) for p in processes]
    wall = time.perf_counter() - started
    results = []
    for p, (out, err) in zip(processes, outputs):
        if p.returncode != 0:
            sys.exit(f"a contender process failed (exit {p.returncode}): {' '.join(p.args)}\n{err[-3000:]}")
        results.append(harness.last_json_line(out))
    return wall, results


def measure(wall, processes, stats, name):
    useful = sum(p["pages"] for p in processes)
    records = sum(p["records"] for p in processes)
    first, last = (datetime.datetime.fromisoformat(stats[k].replace("Z", "+00:00")) for k in ("first_request", "last_request"))
    span = (last - first).total_seconds()
    ideal = useful / LIMIT_PER_SECOND
    out = {
        "wall_seconds": round(wall, 2),
        "ideal_seconds": ideal,
        "wall_over_ideal": round(wall / ideal, 3),
        "api_span_seconds": round(span, 2),
        "useful_calls": useful,
        "records": records,
        "records_expected": len(PARTITIONS) * RECORDS,
        "requests": stats["requests"],
        "http_429": stats["rate_limited"],
        "early_after_429": stats["early_after_429"],
        "calls_wasted": stats["requests"] - useful,
        "utilisation": round(useful / (wall * LIMIT_PER_SECOND), 3),
        "utilisation_over_api_span": round(useful / (span * LIMIT_PER_SECOND), 3) if span else None,
        "peak_admitted_per_second": max(stats["admitted_per_second"].values(), default=0),
        "sandbox_stats": {k: v for k, v in stats.items() if k != "admitted_per_second"},
        "admitted_per_second": stats["admitted_per_second"],
        "processes": processes,
    }
    if name == "sluice":
        out["statuses"] = sorted({p["status"] for p in processes})
        out["summed"] = {k: sum(p[k] for p in processes) for k in ("api_calls", "http_429", "retries", "permit_wait_ms")}
    else:
        out["summed"] = {k: round(sum(p[k] for p in processes), 3) for k in ("requests", "http_429", "slept_seconds")}
        out["most_retries_for_one_request"] = max(p["most_retries_for_one_request"] for p in processes)
    return out


def markdown(data):
    c = data["contenders"]
    rows = [
        ("wall time (s), 8 processes start → last exit", "wall_seconds", "{:.1f}"),
        ("ideal = useful calls / L (s)", "ideal_seconds", "{:.1f}"),
        ("wall / ideal", "wall_over_ideal", "{:.2f}"),
        ("API busy span, first → last request (s)", "api_span_seconds", "{:.1f}"),
        ("useful calls (pages)", "useful_calls", "{}"),
        ("records loaded (expected 8000)", "records", "{}"),
        ("requests the API saw", "requests", "{}"),
        ("429s received", "http_429", "{}"),
        ("… of which before the announced Retry-After", "early_after_429", "{}"),
        ("calls wasted (requests − useful)", "calls_wasted", "{}"),
        ("utilisation of L: useful / (wall × L)", "utilisation", "{:.0%}"),
        ("utilisation over the API busy span", "utilisation_over_api_span", "{:.0%}"),
        ("peak admitted in one second", "peak_admitted_per_second", "{}"),
    ]
    names = list(c)
    out = ["# Shared rate limit vs the naive retry script", "",
           f"Machine: {harness.machine_line(data['machine_before'])}  ",
           f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
           f"Setup: one sandbox `--limit {data['setup']['sandbox_limit']}` (L = {LIMIT_PER_SECOND}/s, no faults), "
           f"{len(PARTITIONS)} partitions × {RECORDS} orders in pages of {PAGE_SIZE}; 8 processes per contender; "
           f"sandbox stats reset before each; {data['repetitions']} rounds, each running both contenders one after "
           f"the other (order alternating). Sluice: {data['setup']['sluice_limit']}. Naive: bench/naive_client.py "
           "(urllib, 429 → sleep 2**i + random() s). Cells: median (min-max) over the rounds.", "",
           "| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, key, fmt in rows:
        out.append(f"| {label} | " + " | ".join(cell([r[key] for r in c[n]], fmt) for n in names) + " |")
    out += ["", "Per round (wall s / 429s): " + "; ".join(
        f"{n}: " + ", ".join(f"{r['wall_seconds']:.1f}/{r['http_429']}" for r in c[n]) for n in names) + "."]
    if c.get("sluice"):
        s = c["sluice"]
        out += ["", f"Sluice's summaries: statuses {sorted({x for r in s for x in r['statuses']})}; per round "
                    f"{', '.join(str(r['summed']['api_calls']) for r in s)} API calls, "
                    f"{', '.join(str(r['summed']['retries']) for r in s)} retries. "
                    "Its wall time includes starting 8 JVMs at once on this machine; the API busy span does not."]
    if c.get("naive"):
        slept = ", ".join(f"{r['summed']['slept_seconds']:.0f}" for r in c["naive"])
        most = ", ".join(str(r["most_retries_for_one_request"]) for r in c["naive"])
        out += ["", f"Naive clients: seconds slept in backoff, all processes together, per round: {slept}; "
                    f"most retries for one request: {most}."]
    return "\n".join(out)


def cell(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return ""
    ordered = sorted(values)
    median = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2
    if ordered[0] == ordered[-1]:
        return fmt.format(median)
    return f"{fmt.format(median)} ({fmt.format(ordered[0])}-{fmt.format(ordered[-1])})"


if __name__ == "__main__":
    main()
