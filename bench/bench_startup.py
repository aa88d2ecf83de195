#!/usr/bin/env python3
"""A partition's fixed cost: time from exec to its first API request, CPU per start, peak memory.

Every `sluice run` is a short process, so its start is the product's fixed cost. Through the
launcher (task-runner/bin/sluice), as Airflow starts it, against a running `sluice db start`
(SLUICE_DB_URL) whose schema is current:

- first request, 1 process: seconds from spawning `sluice run` on a new one-page partition to the
  moment its first API request reaches the API (the clock below), --runs times;
- first request, 8 processes spawned at once (8 partitions), --rounds times: every process's
  time to its first request (the slowest is what the issue's target is about);
- CPU seconds (user + system, from wait4) of each whole one-page run, beside the floor: the CPU
  of `sluice --version` (the JVM, the launcher and the AOT cache, no work), run interleaved;
- peak resident memory (wait4's ru_maxrss) of one run that loads a 100 000-record partition
  (1000-record pages from the sandbox, no limit).

The API of the first three is `FirstRequestClock`, a tiny HTTP server in this process: it answers
every GET with one page of orders in the sandbox's shape and notes, on this script's monotonic
clock, when each partition's first request arrived (the sandbox keeps no such timestamps, and the
spawn time is on this clock too). `SLUICE_AOT=off` runs beside the cache for the 1-process case;
`--baseline DIR` (another checkout with `make build` done, e.g. a worktree of main) adds that
build's launcher as a contender, interleaved with this one. Writes bench/results/startup.json/md.
"""

import argparse
import http.server
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import harness

TARGETS = {"first_request_1": 0.45, "cpu_per_start": 0.5, "first_request_8": 2.0, "peak_rss_mb": 110}


class FirstRequestClock:
    """An API that serves one page per partition and records when each partition first called."""

    def __init__(self):
        self.first = {}
        self.lock = threading.Lock()
        clock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                arrived = time.monotonic()
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                partition = query.get("partition", ["?"])[0]
                with clock.lock:
                    clock.first.setdefault(partition, arrived)
                body = json.dumps({"data": [{
                    "id": f"{partition}-1", "customer_id": 1, "amount": "12.50", "currency": "EUR",
                    "status": "paid", "note": None, "updated_at": "2026-11-01T00:00:00Z"}],
                    "next_cursor": None}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def arrival(self, partition):
        with self.lock:
            return self.first.get(partition)

    def stop(self):
        self.server.shutdown()


class Partitions:
    """Fresh daily partition keys: every timed run starts a partition that never ran."""

    def __init__(self):
        self.day = 0

    def next(self):
        self.day += 1
        year, rest = divmod(self.day - 1, 336)
        month, day = divmod(rest, 28)
        return f"{2001 + year:04d}-{month + 1:02d}-{day + 1:02d}"


def spawn(launcher, args, env):
    """Starts a process; returns (Popen, spawn time, stdout file, stderr file)."""
    return harness.spawn(args, env, launcher)


def reap(process, out, err, what):
    """Waits with wait4: (exit code, CPU seconds, peak RSS MB, last JSON line); exits when the run failed."""
    code, cpu, rss, stdout, stderr, result = harness.reap(process, out, err)
    if code != 0:
        sys.exit(f"{what}: exit {code}\n{stdout[-1000:]}\n{stderr[-3000:]}")
    return code, cpu, rss, result


def one_run(launcher, spec, partitions, env, clock):
    partition = partitions.next()
    process, started, out, err = spawn(launcher, ["run", "--job", str(spec), "--partition", partition], env)
    _, cpu, rss, result = reap(process, out, err, f"run {partition}")
    if result is None or result.get("status") != "done":
        sys.exit(f"run {partition}: expected status done, got {result}")
    return {"first_request_s": round(clock.arrival(partition) - started, 4), "cpu_s": round(cpu, 3),
            "rss_mb": round(rss, 1), "load1": load1()}


def concurrent_runs(launcher, spec, partitions, env, clock, n):
    keys = [partitions.next() for _ in range(n)]
    spawned = [(key, *spawn(launcher, ["run", "--job", str(spec), "--partition", key], env)) for key in keys]
    firsts, cpus = [], []
    for key, process, started, out, err in spawned:
        _, cpu, _, _ = reap(process, out, err, f"concurrent run {key}")
        firsts.append(round(clock.arrival(key) - started, 4))
        cpus.append(round(cpu, 3))
    return {"first_request_s": firsts, "slowest_s": max(firsts), "cpu_s": cpus, "load1": load1()}


def version(launcher, env):
    process, _, out, err = spawn(launcher, ["--version"], env)
    _, cpu, rss, _ = reap(process, out, err, "--version")
    return {"cpu_s": round(cpu, 3), "rss_mb": round(rss, 1), "load1": load1()}


def big_run(launcher, spec, partition, env):
    process, started, out, err = spawn(launcher, ["run", "--job", str(spec), "--partition", partition], env)
    _, cpu, rss, result = reap(process, out, err, f"100k run {partition}")
    if result is None or result.get("records") != 100_000:
        sys.exit(f"100k run: expected 100000 records, got {result}")
    return {"peak_rss_mb": round(rss, 1), "cpu_s": round(cpu, 2), "wall_s": round(time.monotonic() - started, 2),
            "load1": load1()}


def load1():
    return float(Path("/proc/loadavg").read_text().split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="1-process runs per contender (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of 8 concurrent processes (default 3)")
    parser.add_argument("--baseline", type=Path, help="another checkout (make build done) to compare with")
    args = parser.parse_args()
    contenders = {"sluice": harness.SLUICE}
    if args.baseline:
        contenders["baseline"] = (args.baseline / "task-runner" / "bin" / "sluice").resolve()
    before = harness.machine()
    clock = FirstRequestClock()
    partitions = Partitions()
    data = {"bench": "startup", "machine_before": before, "targets": TARGETS,
            "contenders": {k: str(v) for k, v in contenders.items()}}
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-startup-") as tmp:
        env = dict(db["env"], BENCH_API=clock.url)
        spec = harness.job_spec(tmp, "bench_start", 100, "bench-start-api", "1000/1s", start="2001-01-01",
                                end="2099-01-01")
        for name, launcher in contenders.items():  # warm-up: first use of the limit, the sink table, the page cache
            one_run(launcher, spec, partitions, env, clock)
        harness.log("warmed up; 1-process runs")
        variants = [(name, launcher, {}) for name, launcher in contenders.items()]
        variants.append(("sluice_aot_off", harness.SLUICE, {"SLUICE_AOT": "off"}))
        single = {name: [] for name, _, _ in variants}
        floor = {name: [] for name in contenders}
        for i in range(args.runs):
            for name, launcher, extra in (variants if i % 2 == 0 else variants[::-1]):
                single[name].append(one_run(launcher, spec, partitions, dict(env, **extra), clock))
            for name, launcher in contenders.items():
                floor[name].append(version(launcher, env))
            harness.log(f"run {i + 1}: " + ", ".join(
                f"{name} {single[name][-1]['first_request_s']:.2f} s" for name in single))
        eight = {name: [] for name in contenders}
        for i in range(args.rounds):
            for name, launcher in (list(contenders.items()) if i % 2 == 0 else list(contenders.items())[::-1]):
                eight[name].append(concurrent_runs(launcher, spec, partitions, env, clock, 8))
                harness.log(f"8 at once, round {i + 1}, {name}: slowest first request {eight[name][-1]['slowest_s']} s")
        clock.stop()
        memory = {}
        sandbox = harness.Sandbox("--limit", "none", "--records-per-partition", "100000")
        try:
            big = harness.job_spec(tmp, "bench_memory", 1000, "bench-memory-api", "1000/1s")
            env_big = dict(env, BENCH_API=sandbox.url)
            for n, (name, launcher) in enumerate(contenders.items()):
                memory[name] = big_run(launcher, big, f"2026-11-0{n + 1}", env_big)
                harness.log(f"100 000 records, {name}: peak RSS {memory[name]['peak_rss_mb']} MB")
        finally:
            sandbox.stop()
    data.update({
        "machine_after": harness.machine(),
        "what": "through task-runner/bin/sluice against `sluice db start` (SLUICE_DB_URL); one-page partitions "
                "for the first request and CPU; a 100 000-record partition (1000-record pages, sandbox) for memory",
        "single": {name: summarise(runs) for name, runs in single.items()},
        "version_floor": {name: summarise(runs) for name, runs in floor.items()},
        "eight": {name: {"slowest_s": harness.summary([r["slowest_s"] for r in rounds]),
                         "first_request_s": harness.summary([x for r in rounds for x in r["first_request_s"]]),
                         "cpu_s": harness.summary([x for r in rounds for x in r["cpu_s"]]),
                         "load1": [r["load1"] for r in rounds]}
                  for name, rounds in eight.items()},
        "memory": memory,
        "raw": {"single": single, "version_floor": floor, "eight": eight},
    })
    harness.write("startup", data, markdown(data))


def summarise(runs):
    keys = [k for k in runs[0] if k != "load1"]
    out = {k: harness.summary([r[k] for r in runs]) for k in keys}
    out["load1"] = harness.summary([r["load1"] for r in runs])
    return out


def cell(s, digits=2):
    return f"{s['median']:.{digits}f} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


def verdict(value, target):
    return "met" if value <= target else "NOT met"


def markdown(data):
    t = data["targets"]
    names = list(data["contenders"])
    rows = ["| what | " + " | ".join(names) + " | target (sluice, median) |", "|---|" + "---:|" * len(names) + "---|"]
    s = data["single"]
    rows.append("| first request, 1 process, s | " + " | ".join(cell(s[n]["first_request_s"]) for n in names)
                + f" | ≤ {t['first_request_1']}: {verdict(s['sluice']['first_request_s']['median'], t['first_request_1'])} |")
    rows.append("| CPU per one-page run, s | " + " | ".join(cell(s[n]["cpu_s"]) for n in names)
                + f" | ≤ {t['cpu_per_start']}: {verdict(s['sluice']['cpu_s']['median'], t['cpu_per_start'])} |")
    f = data["version_floor"]
    rows.append("| CPU of `--version` (the floor), s | " + " | ".join(cell(f[n]["cpu_s"]) for n in names) + " | |")
    rows.append("| run CPU / floor CPU (medians) | " + " | ".join(
        f"{s[n]['cpu_s']['median'] / f[n]['cpu_s']['median']:.2f}" for n in names) + " | |")
    e = data["eight"]
    rows.append("| 8 at once: slowest first request, s | " + " | ".join(cell(e[n]["slowest_s"]) for n in names)
                + f" | ≤ {t['first_request_8']}: {verdict(e['sluice']['slowest_s']['median'], t['first_request_8'])} |")
    rows.append("| 8 at once: CPU per run, s | " + " | ".join(cell(e[n]["cpu_s"]) for n in names) + " | |")
    m = data["memory"]
    rows.append("| 100 000 records: peak RSS, MB | " + " | ".join(f"{m[n]['peak_rss_mb']:.0f}" for n in names)
                + f" | ≤ {t['peak_rss_mb']}: {verdict(m['sluice']['peak_rss_mb'], t['peak_rss_mb'])} |")
    rows.append("| `--version` peak RSS, MB | " + " | ".join(cell(f[n]["rss_mb"], 0) for n in names) + " | |")
    off = s["sluice_aot_off"]
    loads = [x for n in s for x in s[n]["load1"]["values"]]
    return "\n".join([
        "# A partition's fixed cost: first request, CPU per start, peak memory", "",
        f"Machine: {harness.machine_line(data['machine_before'])}  ",
        f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}; "
        f"1-minute load during the 1-process runs {min(loads):.1f}-{max(loads):.1f}; during the 8-process rounds "
        + ", ".join(f"{n} {e[n]['load1']}" for n in names)
        + "; during the 100k runs " + ", ".join(f"{n} {m[n]['load1']}" for n in names) + "  ",
        f"What: {data['what']}. Contenders: " + ", ".join(f"{n} = {p}" for n, p in data["contenders"].items())
        + ". Median (min-max).", "",
        *rows, "",
        f"Without the AOT cache (`SLUICE_AOT=off`, this build): first request {cell(off['first_request_s'])} s, "
        f"CPU {cell(off['cpu_s'])} s per run.  ",
        "A load average above the CPU count means other work competed for the CPUs: absolute times then "
        "stretch, ratios between contenders run interleaved hold up better.  ",
        "Where a start's time and CPU go, phase by phase and thread by thread: "
        "[startup-breakdown.md](startup-breakdown.md).",
    ])


if __name__ == "__main__":
    main()
