#!/usr/bin/env python3
"""Scale in simulation: 64 `sluice run` processes on one shared limit, beside 8 (issue 10 §6).

One strict sandbox (`--limit window:L/1s`, no faults) and one embedded PostgreSQL. Per contender,
N real `sluice run --force` processes start at once, one partition each, all sharing one limit
`rates: [L/1s]`; the total work is the same for every N (`--calls` pages of `--page-size` orders,
split evenly over the N partitions), so the ideal wall time is calls / L for each. Measured:
  429s (the sandbox's count; must be 0) and utilisation of L over the API's busy span (first to
  last request: the start of N JVMs on a small machine is left out, and reported as wall time);
  database connections of the runners, sampled from pg_stat_activity every `--sample-ms` by one
  psql session: peak in all, peak busy (state not idle), peak of any one runner (application_name
  `sluice <job>/<partition>`) against its bound SLUICE_DB_POOL_SIZE;
  CPU (user + system, wait4) of every runner, in all and per process; peak RSS per process;
  the machine: load average and available memory, sampled with the connections.
Writes bench/results/scale.json and .md.
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import harness

PSQL = "/usr/bin/psql"
START = datetime.date(2026, 11, 1)
JOB = "bench_scale"
# One row per sample: runner connections, those not idle, the most of any one runner, every client.
SAMPLE_SQL = (
    "WITH a AS (SELECT application_name AS app, state FROM pg_stat_activity "
    "WHERE backend_type = 'client backend' AND application_name LIKE 'sluice %') "
    "SELECT count(*), count(*) FILTER (WHERE state <> 'idle'), "
    "coalesce((SELECT max(n) FROM (SELECT count(*) AS n FROM a GROUP BY app) x), 0), "
    "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') FROM a;")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", default="8,64", help="process counts to compare (default 8,64)")
    parser.add_argument("--rate", type=int, default=50, help="L, the API's limit and the shared limit, per second")
    parser.add_argument("--calls", type=int, default=1920, help="useful calls in all, per contender (default 1920)")
    parser.add_argument("--page-size", type=int, default=10)
    parser.add_argument("--repetitions", type=int, default=1)
    parser.add_argument("--name", default="scale", help="results name: bench/results/NAME.json and .md")
    parser.add_argument("--sample-ms", type=int, default=100, help="pg_stat_activity sampling period")
    parser.add_argument("--java-opts", default="", help="SLUICE_JAVA_OPTS for every runner (e.g. -Xmx96m)")
    parser.add_argument("--permit-validity", default="default,100ms",
                        help="the limit's permit_validity per contender: default (20ms at 1 s rates) and/or "
                             "durations (default: default,100ms)")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    validities = args.permit_validity.split(",")
    for n in counts:
        if args.calls % n:
            sys.exit(f"--calls {args.calls} must split evenly over {n} processes")
    before = harness.machine()
    rounds = []
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-scale-") as tmp:
        sandbox = harness.Sandbox("--limit", f"window:{args.rate}/1s")
        try:
            end = START + datetime.timedelta(days=max(counts))
            spec = harness.job_spec(tmp, JOB, args.page_size, "scale-api", f"{args.rate}/1s", end=end.isoformat())
            env = dict(db["env"], BENCH_API=sandbox.url)
            if args.java_opts:
                env["SLUICE_JAVA_OPTS"] = args.java_opts
            pool = int(env.get("SLUICE_DB_POOL_SIZE", "0")) or default_pool_size()
            contenders = [(n, v) for v in validities for n in counts]
            for rep in range(args.repetitions):
                for n, validity in (contenders if rep % 2 == 0 else list(reversed(contenders))):
                    with_validity(spec, validity)
                    result = one_round(db, sandbox, spec, env, n, args, pool, rep + 1)
                    result["permit_validity"] = validity
                    result["pace_share_of_l"] = pace_share(args.rate, validity)
                    rounds.append(result)
        finally:
            sandbox.stop()
    data = {"bench": "scale", "machine_before": before, "machine_after": harness.machine(),
            "setup": {"sandbox_limit": f"window:{args.rate}/1s", "rate": args.rate, "calls": args.calls,
                      "page_size": args.page_size, "processes": counts, "pool_size": pool,
                      "java_opts": args.java_opts or "(launcher defaults)", "sample_ms": args.sample_ms,
                      "sluice_limit": f"rates: [{args.rate}/1s] (default burst 1, headroom 0.01)"},
            "rounds": rounds}
    harness.write(args.name, data, markdown(data))
    bad = [f"{r['processes']} processes round {r['round']}: {', '.join(r['problems'])}" for r in rounds if r["problems"]]
    if bad:
        sys.exit("the run is not correct, its figures are void:\n  " + "\n  ".join(bad))


def pace_share(rate, validity):
    """The share of L a rate N/1s paces at (README, "Capacity semantics"): (N·0.99 − c)/(1 s + d)."""
    budget = rate * 0.99
    d = max(20.0, 0 if validity == "default" else duration_ms(validity))
    c = max(1, int(budget * 20 / 1020))  # the bucket is sized by the standard d (BucketShape)
    return round((budget - c) / (1000 + d) * 1000 / rate, 3)


def duration_ms(text):
    number, unit = re.fullmatch(r"(\d+)(ms|s)", text).groups()
    return int(number) * (1 if unit == "ms" else 1000)


def with_validity(spec, validity):
    """Sets (or removes) the limit's permit_validity in the spec; the runs register it as a new version."""
    text = re.sub(r", permit_validity: [0-9a-z]+", "", spec.read_text())
    if validity != "default":
        text = text.replace("rates: [", f"permit_validity: {validity}, rates: [")
    spec.write_text(text)


def default_pool_size():
    """The runner's default SLUICE_DB_POOL_SIZE, read from the source so that the bench follows it."""
    source = harness.ROOT / "task-runner/src/main/java/dev/sluice/db/DatabaseSettings.java"
    text = source.read_text()
    marker = 'getOrDefault("SLUICE_DB_POOL_SIZE", "'
    return int(text[text.index(marker) + len(marker):].split('"', 1)[0])


def one_round(db, sandbox, spec, env, n, args, pool, rep):
    partitions = [(START + datetime.timedelta(days=i)).isoformat() for i in range(n)]
    records = args.calls // n * args.page_size
    configure(sandbox, records)
    time.sleep(2)  # the sandbox's window and the shared bucket go idle
    sandbox.reset()
    harness.log(f"round {rep}: {n} processes × {args.calls // n} pages ({records} orders), L = {args.rate}/s")
    sampler = Sampler(db["port"], args.sample_ms / 1000)
    try:
        spawned_at = datetime.datetime.now(datetime.UTC)
        wall, runs = run_all(spec, env, partitions)
    finally:
        samples = sampler.stop()
    result = measure(n, wall, spawned_at, runs, sandbox.stats(), samples, args, pool, records)
    result["permits"] = permits_used(db, spawned_at)
    result["round"] = rep
    harness.log(f"{n} processes: {wall:.1f} s wall, {result['http_429']} x 429, "
                f"utilisation {result['utilisation_over_api_span']:.0%} over the busy span, "
                f"peak {result['connections']['peak_runner_connections']} connections "
                f"(one runner at most {result['connections']['peak_one_runner']}), "
                f"CPU {result['cpu']['total_s']:.0f} s")
    return result


def permits_used(db, since):
    """Permits the database handed out vs calls made, from the runs' history (sluice_limit_series):
    a permit granted and not used in time (a process that woke too late for its reserved permit)
    is budget the API never sees."""
    sql = ("SELECT coalesce(sum(permits), 0), coalesce(sum(calls), 0) FROM sluice_limit_series "
           f"WHERE limit_name = 'scale-api' AND bucket_start >= '{since.isoformat()}'::timestamptz - interval '1 second'")
    done = subprocess.run([PSQL, "-qAtX", "-F", " ", "-h", "127.0.0.1", "-p", str(db["port"]), "-U", "postgres",
                           "-d", "postgres", "-c", sql], capture_output=True, text=True, check=True)
    granted, calls = (int(float(x)) for x in done.stdout.split())
    return {"granted": granted, "calls": calls, "unused": granted - calls,
            "unused_share": round((granted - calls) / granted, 3) if granted else None}


def configure(sandbox, records):
    body = json.dumps({"records_per_partition": records}).encode()
    request = urllib.request.Request(sandbox.url + "/_sandbox/config", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def run_all(spec, env, partitions):
    """Spawns every run at once; reaps each with wait4 (its own CPU and peak RSS)."""
    started = time.perf_counter()
    spawned = []
    for p in partitions:
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        command = [str(harness.SLUICE), "run", "--job", str(spec), "--partition", p, "--force"]
        spawned.append((p, subprocess.Popen(command, env=env, stdout=out, stderr=err), out, err))
    runs = []
    for p, process, out, err in spawned:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        try:
            summary = harness.last_json_line(stdout)
        except ValueError:
            summary = None
        runs.append({"partition": p, "exit_code": process.returncode, "ended_s": round(time.perf_counter() - started, 2),
                     "cpu_s": round(usage.ru_utime + usage.ru_stime, 3), "user_s": round(usage.ru_utime, 3),
                     "sys_s": round(usage.ru_stime, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                     "summary": summary, "stderr_tail": stderr[-1500:] if process.returncode else ""})
    return time.perf_counter() - started, runs


class Sampler:
    """One psql session asking pg_stat_activity every `period` seconds, plus load and free memory."""

    def __init__(self, port, period):
        self.period, self.samples, self.stopping = period, [], threading.Event()
        self.psql = subprocess.Popen([PSQL, "-qAtX", "-F", " ", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                                      "-d", "postgres"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=dict(os.environ, PGAPPNAME="bench-scale-sampler"))
        self.started = time.perf_counter()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stopping.is_set():
            self.psql.stdin.write(SAMPLE_SQL + "\n")
            self.psql.stdin.flush()
            runners, busy, one, clients = (int(x) for x in self.psql.stdout.readline().split())
            self.samples.append({"t": round(time.perf_counter() - self.started, 2), "runner_connections": runners,
                                 "busy": busy, "one_runner": one, "all_clients": clients,
                                 "load1": float(Path("/proc/loadavg").read_text().split()[0]),
                                 "mem_available_mb": mem_available_mb()})
            self.stopping.wait(self.period)

    def stop(self):
        self.stopping.set()
        self.thread.join()
        self.psql.stdin.close()
        self.psql.wait(timeout=10)
        return self.samples


def mem_available_mb():
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable"):
            return int(line.split()[1]) // 1024
    return None


def measure(n, wall, spawned_at, runs, stats, samples, args, pool, records):
    summaries = [r["summary"] or {} for r in runs]
    useful = sum(s.get("pages", 0) for s in summaries)
    first, last = (datetime.datetime.fromisoformat(stats[k].replace("Z", "+00:00"))
                   for k in ("first_request", "last_request"))
    span = (last - first).total_seconds()
    cpus = [r["cpu_s"] for r in runs]
    problems = []
    failed = [r for r in runs if r["exit_code"] != 0 or (r["summary"] or {}).get("status") != "done"]
    if failed:
        problems.append(f"{len(failed)} runs did not finish done (first: {failed[0]['partition']} exit "
                        f"{failed[0]['exit_code']}: {failed[0]['stderr_tail'][-300:]!r})")
    if sum(s.get("records", 0) for s in summaries) != n * records:
        problems.append(f"records {sum(s.get('records', 0) for s in summaries)} != {n * records}")
    if stats["rate_limited"]:
        problems.append(f"{stats['rate_limited']} answers 429")
    one = max((s["one_runner"] for s in samples), default=0)
    if one > pool:
        problems.append(f"a runner held {one} connections, above its bound {pool}")
    return {
        "processes": n,
        "pages_per_process": args.calls // n,
        "wall_seconds": round(wall, 2),
        "ideal_seconds": args.calls / args.rate,
        "wall_over_ideal": round(wall / (args.calls / args.rate), 3),
        "api_span_seconds": round(span, 2),
        "first_request_after_spawn_s": round((first - spawned_at).total_seconds(), 2),
        "useful_calls": useful,
        "requests": stats["requests"],
        "http_429": stats["rate_limited"],
        "early_after_429": stats["early_after_429"],
        "utilisation_over_api_span": round(useful / (span * args.rate), 3) if span else None,
        "utilisation_of_wall": round(useful / (wall * args.rate), 3),
        "peak_admitted_per_second": max(stats["admitted_per_second"].values(), default=0),
        "admitted_per_second": stats["admitted_per_second"],
        "connections": {
            "bound_per_runner": pool,
            "peak_runner_connections": max((s["runner_connections"] for s in samples), default=0),
            "peak_busy": max((s["busy"] for s in samples), default=0),
            "peak_one_runner": one,
            "peak_all_clients": max((s["all_clients"] for s in samples), default=0),
            "samples": len(samples),
        },
        "cpu": {"total_s": round(sum(cpus), 2), "per_process": harness.summary(cpus),
                "user_total_s": round(sum(r["user_s"] for r in runs), 2),
                "sys_total_s": round(sum(r["sys_s"] for r in runs), 2)},
        "peak_rss_mb": harness.summary([r["peak_rss_mb"] for r in runs]),
        "machine_during": {"load1_max": max((s["load1"] for s in samples), default=None),
                           "mem_available_min_mb": min((s["mem_available_mb"] for s in samples), default=None)},
        "summed": {k: sum(s.get(k, 0) for s in summaries) for k in ("api_calls", "http_429", "retries", "permit_wait_ms")},
        "problems": problems,
        "runs": runs,
        "samples": samples[::10],  # every 10th in the file; the peaks above are over all of them
    }


def markdown(data):
    s = data["setup"]
    by_n = {}
    for r in data["rounds"]:
        by_n.setdefault((r.get("permit_validity", "default"), r["processes"]), []).append(r)
    names = sorted(by_n, key=lambda k: (k[0] != "default", k[0], k[1]))

    def cell(key_fn, fmt):
        return " | ".join(" / ".join(fmt.format(key_fn(r)) for r in by_n[n]) for n in names)

    rows = [
        ("429s (must be 0)", lambda r: r["http_429"], "{}"),
        ("requests the API saw / useful calls", lambda r: f"{r['requests']} / {r['useful_calls']}", "{}"),
        ("utilisation of L over the API busy span", lambda r: r["utilisation_over_api_span"], "{:.0%}"),
        ("… the most the limit's pace allows", lambda r: r["pace_share_of_l"], "{:.0%}"),
        ("API busy span, first → last request (s)", lambda r: r["api_span_seconds"], "{:.1f}"),
        ("wall time, spawn → last exit (s); ideal " + f"{s['calls'] / s['rate']:.1f}", lambda r: r["wall_seconds"], "{:.1f}"),
        ("first request after the spawn (s)", lambda r: r["first_request_after_spawn_s"], "{:.1f}"),
        ("utilisation of L over the wall time", lambda r: r["utilisation_of_wall"], "{:.0%}"),
        ("peak admitted in one second", lambda r: r["peak_admitted_per_second"], "{}"),
        ("DB connections of the runners, peak (sampled)", lambda r: r["connections"]["peak_runner_connections"], "{}"),
        ("… of them busy (state ≠ idle), peak", lambda r: r["connections"]["peak_busy"], "{}"),
        (f"… of one runner, peak (bound {s['pool_size']})", lambda r: r["connections"]["peak_one_runner"], "{}"),
        ("CPU of all runners, user + sys (s)", lambda r: r["cpu"]["total_s"], "{:.1f}"),
        ("CPU per process, median (min-max) (s)", lambda r: "{:.2f} ({:.2f}-{:.2f})".format(
            r["cpu"]["per_process"]["median"], r["cpu"]["per_process"]["min"], r["cpu"]["per_process"]["max"]), "{}"),
        ("peak RSS per process, median (max) (MB)", lambda r: "{:.0f} ({:.0f})".format(
            r["peak_rss_mb"]["median"], r["peak_rss_mb"]["max"]), "{}"),
        ("machine during: load1 max / MemAvailable min (MB)", lambda r: "{} / {}".format(
            r["machine_during"]["load1_max"], r["machine_during"]["mem_available_min_mb"]), "{}"),
        ("permits granted by the database / used for calls (unused: expired)", lambda r: "{} / {} ({:.0%})".format(
            r["permits"]["granted"], r["permits"]["calls"], r["permits"]["unused_share"] or 0), "{}"),
        ("permit wait, all runners (s)", lambda r: r["summed"]["permit_wait_ms"] / 1000, "{:.0f}"),
    ]
    out = ["# Scale: 64 runner processes on one shared limit, beside 8", "",
           f"Machine: {harness.machine_line(data['machine_before'])}  ",
           f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
           f"Setup: one sandbox `--limit {s['sandbox_limit']}` (L = {s['rate']}/s, strict, no faults); "
           f"{s['calls']} useful calls per contender (pages of {s['page_size']} orders), split evenly over "
           f"its N partitions, N `sluice run --force` processes spawned at once; Sluice {s['sluice_limit']} "
           "(it paces at (L·0.99 − c)/(1 s + d), d = permit_validity: 95% of L with the default 20 ms); "
           f"SLUICE_DB_POOL_SIZE {s['pool_size']}; JVM options {s['java_opts']}; pg_stat_activity sampled every "
           f"{s['sample_ms']} ms by one psql session. Cells with several values: one per round.", "",
           "| N processes, permit_validity | " + " | ".join(f"{n}, {v}" for v, n in names) + " |",
           "|---|" + "---:|" * len(names)]
    for label, fn, fmt in rows:
        out.append(f"| {label} | {cell(fn, fmt)} |")
    problems = [f"{r['processes']} processes round {r['round']}: {p}" for r in data["rounds"] for p in r["problems"]]
    out += ["", "Correctness: " + ("every run exit 0 with every record, 0 answers 429, no runner above its "
                                   "connection bound." if not problems else "**FAILED**: " + "; ".join(problems))]
    return "\n".join(out)


if __name__ == "__main__":
    main()
