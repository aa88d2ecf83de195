#!/usr/bin/env python3
"""Wall time of `sluice run` on an already-complete partition, with and without the AOT cache.

Through the launcher (task-runner/bin/sluice), as Airflow starts it: SLUICE_AOT=on (the cache
must be used, or the JVM refuses to start) vs SLUICE_AOT=off, against a running `sluice db start`
server (SLUICE_DB_URL). The partition is completed once first; one warm-up run per mode; then
--runs runs per mode, interleaved (on/off, then off/on, ...). Each timed run must exit 0 with
status already_complete. Writes bench/results/startup.json and startup.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

import harness

PARTITION = "2026-11-01"
MODES = ("on", "off")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per mode (at least 10)")
    args = parser.parse_args()
    cache = harness.ROOT / "task-runner" / "target" / "sluice.aot"
    if not cache.exists():
        sys.exit(f"no AOT cache at {cache}; run `make build` first")
    before = harness.machine()
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-startup-") as tmp:
        sandbox = harness.Sandbox("--limit", "none", "--records-per-partition", "300")
        try:
            env = dict(db["env"], BENCH_API=sandbox.url)
            spec = harness.job_spec(tmp, "bench_startup", 100, "bench-startup-api", "50/1s")
            run = ["run", "--job", str(spec), "--partition", PARTITION]
            first = check(harness.sluice(run, env), "done", "first run")
            harness.log(f"partition complete: {first['records']} records")
            for mode in MODES:
                check(harness.sluice(run, dict(env, SLUICE_AOT=mode)), "already_complete", f"warm-up {mode}")
            times = {mode: [] for mode in MODES}
            internal = {mode: [] for mode in MODES}
            for i in range(args.runs):
                for mode in (MODES if i % 2 == 0 else MODES[::-1]):
                    code, result, seconds, stderr = harness.sluice(run, dict(env, SLUICE_AOT=mode))
                    check((code, result, seconds, stderr), "already_complete", f"run {i + 1} AOT {mode}")
                    times[mode].append(round(seconds, 4))
                    internal[mode].append(result["duration_ms"])
                harness.log(f"run {i + 1}: on {times['on'][-1]:.3f} s, off {times['off'][-1]:.3f} s")
        finally:
            sandbox.stop()
    data = {
        "bench": "startup", "machine_before": before, "machine_after": harness.machine(),
        "aot_cache": {"path": str(cache.relative_to(harness.ROOT)), "mb": round(cache.stat().st_size / 1e6, 1)},
        "what": "wall seconds from spawning task-runner/bin/sluice run (bash launcher + JVM) to its exit, "
                "on an already-complete partition; SLUICE_DB_URL = a running `sluice db start`",
        "runs_per_mode": args.runs,
        "wall_seconds": {f"aot_{mode}": harness.summary(times[mode]) for mode in MODES},
        "summary_duration_ms": {f"aot_{mode}": harness.summary(internal[mode]) for mode in MODES},
        "ratio_on_to_off_median": round(statistics.median(times["on"]) / statistics.median(times["off"]), 3),
        "paired_ratios_on_to_off": [round(a / b, 3) for a, b in zip(times["on"], times["off"])],
    }
    harness.write("startup", data, markdown(data))


def check(outcome, status, what):
    code, result, seconds, stderr = outcome
    if code != 0 or result is None or result.get("status") != status:
        sys.exit(f"{what}: expected exit 0 and status {status}, got exit {code}, {result}\n{stderr[-3000:]}")
    return result


def markdown(data):
    on, off = data["wall_seconds"]["aot_on"], data["wall_seconds"]["aot_off"]
    paired = data["paired_ratios_on_to_off"]
    return "\n".join([
        "# `sluice run` on an already-complete partition: wall time with and without the AOT cache", "",
        f"Machine: {harness.machine_line(data['machine_before'])}  ",
        f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
        f"What: {data['what']}. {data['runs_per_mode']} runs per mode after one warm-up each, interleaved. "
        f"AOT cache {data['aot_cache']['mb']} MB.", "",
        "| mode | median s | min s | max s | target < 1 s (median) |", "|---|---:|---:|---:|---|",
        f"| SLUICE_AOT=on | {on['median']:.3f} | {on['min']:.3f} | {on['max']:.3f} | {'met' if on['median'] < 1 else 'NOT met'} |",
        f"| SLUICE_AOT=off | {off['median']:.3f} | {off['min']:.3f} | {off['max']:.3f} | {'met' if off['median'] < 1 else 'NOT met'} |",
        "",
        f"on/off: {data['ratio_on_to_off_median']:.2f} (ratio of medians); paired per round: median "
        f"{statistics.median(paired):.2f}, {min(paired):.2f}-{max(paired):.2f}.  ",
        f"The summary's own duration_ms (counted inside the runner from the partition's start, so without "
        f"JVM start, spec load and connecting; median): on {data['summary_duration_ms']['aot_on']['median']} ms, "
        f"off {data['summary_duration_ms']['aot_off']['median']} ms.",
    ])


if __name__ == "__main__":
    main()
