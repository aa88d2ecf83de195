#!/usr/bin/env python3
"""The shared limit's own ceiling vs PostgreSQL's hot-row update rate, on the same server.

Contenders, interleaved in each round, each for --seconds:
  sluice N=1 / N=8: `sluice bench limiter --processes N` (N processes loop on SharedLimits.acquire()
                    against one limit `rates: [100000/1s]`, so the API and the rate never make anyone wait);
  pgbench c=1 / c=8: `pgbench -M prepared -c N` running `UPDATE t SET v = v + 1 WHERE id = 1` on a
                    one-row table (PostgreSQL's own ceiling for one hot row, the baseline);
  pgbench locked:   the same row taken the way Bucket4j takes its bucket row: BEGIN; SELECT ... FOR
                    UPDATE; UPDATE; COMMIT (the row lock is held across round trips).
  sluice low rate:  the same loop against `rates: [5/1s]` (1 and 8 processes): the rate makes
                    everyone wait, so this shows what a permit costs in round trips when it is exact.
Reports permits/s, transactions/s, their ratio, and the round trips one permit costs, with the
targets of issue 11 beside them (>= 15,000 permits/s with 8 processes; fewer round trips per permit
at low rates than the 4 of one Bucket4j transaction plus a pause check per permit). Writes
bench/results/limiter.json and limiter.md.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import harness

PGBENCH = shutil.which("pgbench") or "/usr/bin/pgbench"
PSQL = shutil.which("psql") or "/usr/bin/psql"
SCRIPT = "UPDATE bench_hot_row SET v = v + 1 WHERE id = 1;\n"
TARGET_PERMITS_8 = 15000
# Before batched permits (Bucket4j, one transaction per permit; bench/results/limiter.md at a237323,
# same machine): permits/s with 1 and 8 processes, and round trips per permit.
BEFORE = {"1": 2231, "8": 2215, "round_trips": 4.0}
LOW_RATE = "5/1s"
LOCKED = ("BEGIN;\nSELECT v FROM bench_hot_row WHERE id = 1 FOR UPDATE;\n"
          "UPDATE bench_hot_row SET v = v + 1 WHERE id = 1;\nCOMMIT;\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--processes", default="1,8")
    parser.add_argument("--rate", default="100000/1s", help="the generous rate of the ceiling rows")
    parser.add_argument("--low-rate-seconds", type=int, default=10)
    args = parser.parse_args()
    if not os.path.exists(PGBENCH):
        sys.exit("pgbench is not installed (Debian: apt-get install postgresql-client)")
    counts = [int(n) for n in args.processes.split(",")]
    before = harness.machine()
    rounds = []
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-limiter-") as tmp:
        script = os.path.join(tmp, "hot_row.sql")
        locked = os.path.join(tmp, "hot_row_locked.sql")
        for path, text in ((script, SCRIPT), (locked, LOCKED)):
            with open(path, "w") as f:
                f.write(text)
        psql(db, "DROP TABLE IF EXISTS bench_hot_row; CREATE TABLE bench_hot_row (id int PRIMARY KEY, v bigint NOT NULL);"
                 " INSERT INTO bench_hot_row VALUES (1, 0);")
        pgbench_version = subprocess.run([PGBENCH, "--version"], capture_output=True, text=True).stdout.strip()
        server = psql(db, "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings "
                          "WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level', 'server_version')")
        for rep in range(args.repetitions):
            for n in counts:
                entry = {"round": rep + 1, "n": n}
                order = ("sluice", "pgbench", "pgbench_locked")
                for name in (order if rep % 2 == 0 else order[::-1]):
                    entry[name] = (sluice_limiter(db, n, args.seconds, args.rate) if name == "sluice"
                                   else pgbench(db, script if name == "pgbench" else locked, n, args.seconds))
                entry["load_average"] = harness.machine()["load_average_1_5_15"]
                harness.log(f"round {rep + 1}, N={n}: sluice {entry['sluice']['permits_per_second']:.0f} permits/s, "
                            f"pgbench {entry['pgbench']['tps']:.0f} tps, locked {entry['pgbench_locked']['tps']:.0f} tps")
                rounds.append(entry)
        low = {}
        for n in counts:
            low[str(n)] = sluice_limiter(db, n, args.low_rate_seconds, LOW_RATE, "bench-low-rate")
            harness.log(f"low rate {LOW_RATE}, N={n}: {low[str(n)]['permits_per_second']:.2f} permits/s, "
                        f"{low[str(n)]['round_trips_per_permit']:.2f} round trips per permit")
    data = {"bench": "limiter", "machine_before": before, "machine_after": harness.machine(),
            "seconds": args.seconds, "repetitions": args.repetitions, "pgbench_version": pgbench_version,
            "server": server, "pgbench_script": SCRIPT.strip(), "pgbench_locked_script": LOCKED.strip(), "rounds": rounds, "by_processes": summarise(rounds, counts),
            "rate": args.rate, "target_permits_per_second_8": TARGET_PERMITS_8, "before": BEFORE,
            "low_rate": {"rate": LOW_RATE, "seconds": args.low_rate_seconds, "by_processes": low}}
    harness.write("limiter", data, markdown(data))


def psql(db, sql):
    return subprocess.run([PSQL, "-qAt", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(db["port"]), "-U", "postgres",
                           "-d", "postgres", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()


def sluice_limiter(db, n, seconds, rate, limit="bench-limiter"):
    code, result, _, stderr = harness.sluice(["bench", "limiter", "--processes", str(n), "--seconds", str(seconds),
                                              "--rate", rate, "--limit", limit], db["env"], timeout=600)
    if code != 0 or result is None:
        sys.exit(f"sluice bench limiter --processes {n} failed (exit {code}):\n{stderr[-3000:]}")
    return result


def pgbench(db, script, n, seconds):
    done = subprocess.run([PGBENCH, "-n", "-M", "prepared", "-c", str(n), "-j", str(min(n, os.cpu_count() or 1)),
                           "-T", str(seconds), "-f", script, "-h", "127.0.0.1", "-p", str(db["port"]), "-U", "postgres",
                           "postgres"], capture_output=True, text=True, timeout=seconds + 120)
    if done.returncode != 0:
        sys.exit(f"pgbench failed:\n{done.stderr[-3000:]}")
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", done.stdout)
    latency = re.search(r"latency average = ([0-9.]+) ms", done.stdout)
    return {"tps": float(tps.group(1)), "latency_ms": float(latency.group(1)) if latency else None,
            "output": done.stdout.strip().splitlines()[-6:]}


def summarise(rounds, counts):
    out = {}
    for n in counts:
        mine = [r for r in rounds if r["n"] == n]
        permits = [r["sluice"]["permits_per_second"] for r in mine]
        tps = [r["pgbench"]["tps"] for r in mine]
        locked = [r["pgbench_locked"]["tps"] for r in mine]
        out[str(n)] = {
            "sluice_permits_per_second": harness.summary(permits),
            "pgbench_tps": harness.summary(tps),
            "ratio_permits_to_tps": harness.summary([round(p / t, 3) for p, t in zip(permits, tps)]),
            "pgbench_locked_tps": harness.summary(locked),
            "ratio_permits_to_locked_tps": harness.summary([round(p / t, 3) for p, t in zip(permits, locked)]),
            "round_trips_per_permit": harness.summary([r["sluice"]["round_trips_per_permit"] for r in mine]),
            "statements_per_permit": harness.summary([r["sluice"]["statements_per_permit"] for r in mine]),
            "acquire_ms_per_permit": harness.summary([r["sluice"]["acquire_millis_per_permit"] for r in mine]),
            "pgbench_latency_ms": harness.summary([r["pgbench"]["latency_ms"] for r in mine]),
        }
    return out


def markdown(data):
    out = ["# The shared limit's ceiling vs PostgreSQL's hot-row update rate", "",
           f"Machine: {harness.machine_line(data['machine_before'])}  ",
           f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
           f"Same embedded PostgreSQL for all ({data['server']}); {data['seconds']} s windows; {data['repetitions']} "
           "rounds, contenders interleaved (order alternating). Sluice: N processes loop on SharedLimits.acquire() for "
           f"one limit `rates: [{data['rate']}]`. pgbench ({data['pgbench_version']}), `-M prepared -c N` on a one-row "
           f"table: baseline `{data['pgbench_script']}`; 'locked' = `{' '.join(data['pgbench_locked_script'].split())}` "
           "(the row lock held across round trips, as Bucket4j's select-for-update holds its bucket row). "
           "Cells: median (min-max).", "",
           "| N | Sluice permits/s | target | before (one transaction per permit) | pgbench hot-row UPDATE tps "
           "| permits / tps | pgbench locked tps | permits / locked tps | round trips per permit | ms per acquire() |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, s in data["by_processes"].items():
        target = f"≥ {data['target_permits_per_second_8']:,}" if n == "8" else "-"
        before = f"{data['before'][n]:,}" if n in data["before"] else "-"
        out.append(f"| {n} | {fmt(s['sluice_permits_per_second'], '{:,.0f}')} | {target} | {before} | "
                   f"{fmt(s['pgbench_tps'], '{:,.0f}')} | "
                   f"{fmt(s['ratio_permits_to_tps'], '{:.2f}')} | {fmt(s['pgbench_locked_tps'], '{:,.0f}')} | "
                   f"{fmt(s['ratio_permits_to_locked_tps'], '{:.2f}')} | {fmt(s['round_trips_per_permit'], '{:.2f}')} | "
                   f"{fmt(s['acquire_ms_per_permit'], '{:.2f}')} |")
    out += ["", "Round trips per permit = statements executed + commits of an open transaction, counted through a "
                "counting DataSource over 300 calibration permits per worker (pgjdbc sends BEGIN with the first "
                "statement). The baseline pgbench transaction is one round trip; the locked one is four "
                "(pgbench sends BEGIN on its own).", "",
            f"Low rate, exact: N processes looping on acquire() against `rates: [{data['low_rate']['rate']}]` for "
            f"{data['low_rate']['seconds']} s (the rate makes every one wait; in the long run it paces at "
            "(5 × 0.99 − burst 1) / 1.02 s = 3.87 permits/s, 3.95 before batching).", "",
            "| N | permits/s | round trips per permit | target | before |", "|---:|---:|---:|---:|---:|"]
    for n, r in data["low_rate"]["by_processes"].items():
        out.append(f"| {n} | {r['permits_per_second']:.2f} | {r['round_trips_per_permit']:.2f} | "
                   f"< {data['before']['round_trips']:.0f} | {data['before']['round_trips']:.2f} |")
    out += ["", "Machine load is shown at the top: the round trips and permits/s of the low-rate rows grow with "
                "it (a reserved permit a loaded machine wakes up too late for is dropped and taken again)."]
    return "\n".join(out)


def fmt(s, pattern):
    return f"{pattern.format(s['median'])} ({pattern.format(s['min'])}-{pattern.format(s['max'])})"


if __name__ == "__main__":
    main()
