#!/usr/bin/env python3
"""Per-record calls: Sluice vs a sequential loop vs the naive thread pool, one strict API.

One sandbox, its per-record endpoint `POST /v1/customers/{id}/enrichment` limited to L = 100
calls/s (`--limit window:100/1s`: a strict, independent limiter that answers 429 to anything
above it), answering in 100 ms, and breaking 1% of connections after applying the effect (the
lost answer every real network has). One partition of 3 000 customers (a JSON Lines file).
Contenders, one after the other, with the sandbox's stats and per-record world state reset
before each (so effects and duplicates are each contender's own):
  sluice:     `sluice run` of a per-record job, concurrency 16, `limits: [{rates: [100/1s]}]`,
              Idempotency-Key on;
  sequential: one Python thread, one POST after the other with an Idempotency-Key, retrying a
              429 after its Retry-After and a broken answer at once (the polite script, ~10/s);
  naive:      a Python thread pool of 16, no shared budget, no key, every 429 or broken answer
              retried after 2**i + random() s (the usual "resilient" script).
Ground truth (requests, 429s, effects applied, effects applied twice, first request, last answer) comes
from the sandbox. The sequential loop runs on the first --sequential-records records only (300 by
default: 3 000 would take 5 minutes) and its 3 000-record wall time is projected from its rate.

Then the memory of a long partition: a per-record job over a 1 000 000-record `file` input
(generated in a temporary directory) against an unlimited sandbox without latency, concurrency
64, in a JVM capped at `-Xmx256m`: peak RSS (wait4) and the GC log's largest heap after a
collection; stopped with SIGTERM after --heap-seconds if not done (the records it committed are
reported). Writes bench/results/records.json and .md.
"""

import argparse
import concurrent.futures
import datetime
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import harness

LIMIT = 100
LATENCY = "100ms"
RESET_RATE = 0.01
RECORDS = 3000
CONCURRENCY = 16
TOKEN = "bench-records-token"
HEAP_RECORDS = 1_000_000
PARTITION = "2026-11-01"
BUSY_SPAN = "first request → last answer"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sequential-records", type=int, default=300)
    parser.add_argument("--heap-records", type=int, default=HEAP_RECORDS)
    parser.add_argument("--heap-seconds", type=int, default=240,
                        help="SIGTERM the 1M run after this (default 240; make bench-records-heap: 3600)")
    parser.add_argument("--skip-heap", action="store_true")
    parser.add_argument("--only-heap", action="store_true",
                        help="run the memory part only, keeping the contenders of results/records.json")
    args = parser.parse_args()
    if args.only_heap:
        return heap_only(args)
    before = harness.machine()
    results = {}
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-records-") as tmp:
        tmp = Path(tmp)
        write_customers(tmp / "customers.jsonl", RECORDS)
        sandbox = harness.Sandbox("--limit", f"window:{LIMIT}/1s", "--record-latency", LATENCY,
                                  "--reset-rate", str(RESET_RATE), "--token", TOKEN)
        try:
            env = dict(db["env"], BENCH_API=sandbox.url, BENCH_TOKEN=TOKEN)
            spec = job_spec(tmp, "bench_records", tmp / "customers.jsonl", CONCURRENCY, f"{LIMIT}/1s")
            ids = [customer(i)["id"] for i in range(1, RECORDS + 1)]
            for name, run in (("sluice", lambda: run_sluice(spec, env)),
                              ("sequential", lambda: run_sequential(sandbox.url, ids[:args.sequential_records])),
                              ("naive", lambda: run_naive(sandbox.url, ids))):
                fresh(sandbox)
                harness.log(f"{name}: starting")
                wall, own = run()
                results[name] = measure(name, wall, own, sandbox.stats())
                results[name]["machine"] = harness.machine()
                harness.log(f"{name}: {wall:.1f} s wall, {results[name]['http_429']} x 429, "
                            f"{results[name]['effects_applied_twice']} effects applied twice")
        finally:
            sandbox.stop()
        heap = previous_heap() if args.skip_heap else heap_run(db["env"], tmp, args.heap_records, args.heap_seconds)
    data = {"bench": "records", "machine_before": before, "machine_after": harness.machine(),
            "setup": {"limit_per_second": LIMIT, "sandbox": f"--limit window:{LIMIT}/1s --record-latency {LATENCY} "
                                                           f"--reset-rate {RESET_RATE}",
                      "records": RECORDS, "concurrency": CONCURRENCY, "busy_span": BUSY_SPAN,
                      "sequential_records": args.sequential_records},
            "contenders": results, "heap": heap}
    harness.write("records", data, markdown(data))


def previous_heap():
    """--skip-heap keeps the memory figures of the last run that measured them."""
    try:
        return json.loads((harness.RESULTS / "records.json").read_text()).get("heap")
    except (OSError, ValueError):
        return None


def heap_only(args):
    data = json.loads((harness.RESULTS / "records.json").read_text())
    with harness.database() as db, tempfile.TemporaryDirectory(prefix="sluice-bench-records-") as tmp:
        data["heap"] = heap_run(db["env"], Path(tmp), args.heap_records, args.heap_seconds)
    data["heap"]["machine"] = harness.machine()
    harness.write("records", data, markdown(data))


def customer(i):
    return {"id": f"c{i:07d}", "name": f"Customer {i}", "address": {"city": "Lyon", "zip": f"6900{i % 10}"}}


def write_customers(path, n):
    with open(path, "w") as f:
        for i in range(1, n + 1):
            f.write(json.dumps(customer(i)) + "\n")


def job_spec(directory, name, input_file, concurrency, rate):
    limits = f"limits:\n  - name: bench-records\n    rates: [\"{rate}\"]\n" if rate else ""
    path = Path(directory) / f"{name}.yaml"
    path.write_text(f"""\
job: {name}
partitions: {{type: daily, start: 2026-11-01, end: 2026-11-02}}
input: {{type: file, path: {input_file}, key: id, page_size: 500}}
call:
  method: POST
  url: ${{BENCH_API}}/v1/customers/{{record.id}}/enrichment
  auth: {{type: bearer, token: "${{BENCH_TOKEN}}"}}
  body: {{customer: "{{record}}", day: "{{partition}}"}}
  concurrency: {concurrency}
  timeout: 10s
sink:
  type: postgres
  table: {name}_profiles
  key: [id]
  columns:
    id: {{path: $.record.id}}
    segment: {{path: $.response.segment, required: true}}
    trace_id: {{path: $.call.trace_id}}
retry: {{max_attempts: 10, initial_delay: 100ms, max_delay: 5s}}
{limits}""")
    return path


def fresh(sandbox):
    """Zero the stats and forget every record and key, then let the limiter's window go idle."""
    for path in ("/_sandbox/reset", "/_sandbox/records/reset"):
        post(sandbox.url, path, None)
    time.sleep(2)


def post(base, path, body, headers=None):
    """One request on a new connection: (status, headers, body) or raises OSError/HTTPException."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        data = None if body is None else json.dumps(body).encode()
        conn.request("POST", path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def run_sluice(spec, env):
    started = time.perf_counter()
    done = subprocess.run([str(harness.SLUICE), "run", "--job", str(spec), "--partition", PARTITION],
                          env=env, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - started
    summary = harness.last_json_line(done.stdout)
    if done.returncode != 0 or summary.get("records") != RECORDS:
        sys.exit(f"sluice run: exit {done.returncode}, {summary}\n{done.stderr[-3000:]}")
    return wall, {"summary": summary, "records": summary["records"]}


def enrich(base, record_id, key, stats, lock, backoff):
    """POSTs one record until it gets its 201/200; returns when done. ``backoff(i, headers)`` is the
    pause before retry i (after a 429 or a broken answer)."""
    retries = 0
    while True:
        headers = {"Authorization": f"Bearer {TOKEN}"} | ({"Idempotency-Key": key} if key else {})
        try:
            status, answer_headers, _ = post(base, f"/v1/customers/{record_id}/enrichment",
                                             {"customer": {"id": record_id}, "day": PARTITION}, headers)
        except (OSError, http.client.HTTPException):
            status, answer_headers = None, {}
        with lock:
            stats["requests"] += 1
            stats["http_429"] += status == 429
            stats["broken"] += status is None
        if status in (200, 201):
            return
        if status not in (429, None):
            raise RuntimeError(f"{record_id}: unexpected status {status}")
        pause = backoff(retries, answer_headers)
        with lock:
            stats["slept_seconds"] += pause
        time.sleep(pause)
        retries += 1


def run_sequential(base, ids):
    stats, lock = {"requests": 0, "http_429": 0, "broken": 0, "slept_seconds": 0.0}, threading.Lock()
    started = time.perf_counter()
    for record_id in ids:
        enrich(base, record_id, f"seq-{record_id}", stats, lock,
               lambda i, h: float(h.get("Retry-After", "0")) if h else 0.0)
    wall = time.perf_counter() - started
    return wall, {**stats, "records": len(ids)}


def run_naive(base, ids):
    stats, lock = {"requests": 0, "http_429": 0, "broken": 0, "slept_seconds": 0.0}, threading.Lock()
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        for future in [pool.submit(enrich, base, i, None, stats, lock, lambda n, h: 2 ** n + random.random())
                       for i in ids]:
            future.result()
    wall = time.perf_counter() - started
    return wall, {**stats, "records": len(ids)}


def measure(name, wall, own, stats):
    records = stats["records"]
    # The API's busy span: from the first request it received to the last answer it sent (not
    # the last request: its answer is part of the work), so the figure is what L bought.
    first, last = (datetime.datetime.fromisoformat(stats[k].replace("Z", "+00:00"))
                   for k in ("first_request", "last_answered"))
    span = (last - first).total_seconds()
    per_second = stats["admitted_per_second"]
    out = {
        "records": own["records"],
        "wall_seconds": round(wall, 2),
        "api_busy_span_seconds": round(span, 2),
        "records_per_second": round(own["records"] / wall, 1),
        "admitted_over_busy_span_of_L": round(stats["admitted"] / (span * LIMIT), 3) if span else None,
        "effects_over_busy_span_of_L": round(records["effects_applied"] / (span * LIMIT), 3) if span else None,
        "requests": stats["requests"],
        "admitted": stats["admitted"],
        "http_429": stats["rate_limited"],
        "early_after_429": stats["early_after_429"],
        "peak_admitted_per_second": max(per_second.values(), default=0),
        "resets_injected": stats["faults"].get("reset", 0),
        "effects_applied": records["effects_applied"],
        "records_applied": records["records_applied"],
        "effects_applied_twice": records["extra_effects"],
        "records_applied_twice": records["records_applied_twice"],
        "replays": records["replays"],
        "own": own,
    }
    if name == "sequential":
        out["projected_wall_seconds_for_all"] = round(wall / own["records"] * RECORDS, 1)
    return out


def heap_run(env, tmp, records, seconds):
    """A 1M-record file partition in a 256 MB heap: peak RSS and the GC log's largest heap after GC."""
    harness.log(f"heap: writing {records} records")
    write_customers(tmp / "million.jsonl", records)
    sandbox = harness.Sandbox("--limit", "none", "--token", TOKEN)
    gc_log = tmp / "gc.log"
    try:
        spec = job_spec(tmp, "bench_records_heap", tmp / "million.jsonl", 64, None)
        # C2 on, as the launcher advises for long CPU-heavy partitions (C1 alone: about 25% slower here)
        run_env = dict(env, BENCH_API=sandbox.url, BENCH_TOKEN=TOKEN,
                       SLUICE_JAVA_OPTS=f"-XX:TieredStopAtLevel=4 -Xmx256m -Xlog:gc:file={gc_log}")
        out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        others = CpuSampler({"sandbox": lambda: [sandbox.server.process.pid],
                            "postgres": lambda: postgres_pids(env["SLUICE_HOME"])})
        started = time.monotonic()
        process = subprocess.Popen([str(harness.SLUICE), "run", "--job", str(spec), "--partition", PARTITION],
                                   env=run_env, stdout=out, stderr=err)
        stopper = threading.Timer(seconds, lambda: process.poll() is None and process.send_signal(signal.SIGTERM))
        stopper.start()
        _, status, usage = os.wait4(process.pid, 0)
        stopper.cancel()
        wall = time.monotonic() - started
        other_cpu = others.stop()
        out.seek(0)
        summary = harness.last_json_line(out.read().decode())
        exit_code = os.waitstatus_to_exitcode(status)
    finally:
        sandbox.stop()
    # Serial GC: a young collection leaves promoted garbage in the old generation until a full one,
    # so the live set is what a full collection leaves; the young figures only show the heap's use.
    log_text = gc_log.read_text() if gc_log.exists() else ""
    after_full = [int(m) for m in re.findall(r"Pause Full \([^)]*\) \d+M->(\d+)M\(", log_text)]
    after_any = [int(m) for m in re.findall(r"->(\d+)M\(", log_text)]
    result = {"records_in_input": records, "records_committed": summary.get("records"), "exit_code": exit_code,
              "status": summary.get("status"), "stopped_after_seconds": round(wall) if exit_code == 75 else None,
              "wall_seconds": round(wall, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
              "max_heap_after_full_gc_mb": max(after_full, default=None), "full_gcs": len(after_full),
              "max_heap_after_any_gc_mb": max(after_any, default=None), "gcs": len(after_any), "xmx": "256m",
              "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
              "records_per_second": round((summary.get("records") or 0) / wall, 1),
              "cpu_seconds_sandbox": other_cpu["sandbox"], "cpu_seconds_postgres": other_cpu["postgres"],
              "summary": summary}
    committed = summary.get("records") or 0
    if committed:
        result["cpu_ms_per_record"] = {"runner": round(result["cpu_seconds"] * 1000 / committed, 2),
                                       "postgres": round(other_cpu["postgres"] * 1000 / committed, 2),
                                       "sandbox": round(other_cpu["sandbox"] * 1000 / committed, 2)}
    harness.log(f"heap: {result['records_committed']} records committed, peak RSS {result['peak_rss_mb']} MB, "
                f"live heap after full GCs at most {result['max_heap_after_full_gc_mb']} MB")
    return result


def postgres_pids(home):
    """This bench's PostgreSQL: the postmaster whose command line names its home, and its children."""
    def parent(pid):
        try:
            return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            return None

    def command(pid):
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return ""

    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    masters = {p for p in pids if home in command(p) and "postgres" in command(p)}
    return [p for p in pids if p in masters or parent(p) in masters]


def cpu_seconds(pid):
    """User + system CPU of a live process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuSampler:
    """CPU the run cost other processes (the sandbox, PostgreSQL's backends): each process's CPU
    since the start, sampled every 2 s; a backend's last sample counts after it exits (the
    runner's connections live as long as the run, so that loses at most 2 s of theirs)."""

    def __init__(self, groups):
        self.groups, self.base, self.last = groups, {}, {}
        for name, pids in groups.items():
            for pid in pids():
                self.base[pid] = cpu_seconds(pid)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.wait(2):
            self._sample()

    def _sample(self):
        for name, pids in self.groups.items():
            for pid in pids():
                used = cpu_seconds(pid)
                if used:
                    self.last[(name, pid)] = used - self.base.get(pid, 0.0)

    def stop(self):
        self._sample()
        self.done.set()
        totals = {name: 0.0 for name in self.groups}
        for (name, _), used in self.last.items():
            totals[name] += used
        return {name: round(total, 1) for name, total in totals.items()}


def markdown(data):
    c = data["contenders"]
    names = list(c)
    rows = [
        ("records", "records", "{}"),
        ("wall time (s)", "wall_seconds", "{:.1f}"),
        ("projected wall time for 3 000 records (s)", "projected_wall_seconds_for_all", "{:.0f}"),
        ("records/s", "records_per_second", "{:.1f}"),
        (f"API busy span, {data['setup'].get('busy_span', 'first → last request')} (s)", "api_busy_span_seconds",
         "{:.1f}"),
        ("admitted calls / (busy span × L)", "admitted_over_busy_span_of_L", "{:.0%}"),
        ("requests the API saw", "requests", "{}"),
        ("rejections (429) from the API's strict limiter", "http_429", "{}"),
        ("… of which before the announced Retry-After", "early_after_429", "{}"),
        ("peak admitted in one second", "peak_admitted_per_second", "{}"),
        ("connections broken after the effect (injected)", "resets_injected", "{}"),
        ("effects applied", "effects_applied", "{}"),
        ("effects applied twice (duplicates)", "effects_applied_twice", "{}"),
        ("answers replayed for a repeated key", "replays", "{}"),
    ]
    m = data["machine_before"]
    out = ["# Per-record calls: Sluice vs a sequential loop vs the naive thread pool", "",
           f"Machine: {harness.machine_line(m)}  ",
           f"After: load average {' '.join(f'{x:.2f}' for x in data['machine_after']['load_average_1_5_15'])}  ",
           f"Setup: sandbox `{data['setup']['sandbox']}` (L = {LIMIT}/s, strict window limiter in the API), one "
           f"partition of {RECORDS} customers (file input), `POST /v1/customers/{{id}}/enrichment`. Sluice: "
           f"concurrency {CONCURRENCY}, limit `{LIMIT}/1s`, Idempotency-Key. Sequential: one thread, key, "
           f"Retry-After, first {data['setup']['sequential_records']} records. Naive: 16 threads, no key, "
           "2**i + random() s after a 429 or a broken answer. One run each, one after the other.", "",
           "| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for label, key, fmt in rows:
        out.append(f"| {label} | " + " | ".join(
            fmt.format(c[n][key]) if c[n].get(key) is not None else "" for n in names) + " |")
    h = data.get("heap")
    if h:
        done = (f"all {h['records_committed']:,} records" if h["status"] == "done"
                else f"stopped by SIGTERM after {h['stopped_after_seconds']} s with {h['records_committed']:,} of "
                     f"{h['records_in_input']:,} records committed (exit {h['exit_code']})")
        out += ["", f"Memory of a {h['records_in_input']:,}-record `file` input partition (concurrency 64, unlimited "
                    f"sandbox, `-Xmx{h['xmx']}`, Serial GC, C2 on): {done} in {h['wall_seconds']} s, never over the "
                    f"256 MB heap cap; live heap after each full GC at most **{h['max_heap_after_full_gc_mb']} MB** "
                    f"({h['full_gcs']} full GCs; young GCs leave promoted garbage until the next full one, up to "
                    f"{h['max_heap_after_any_gc_mb']} MB in use, {h['gcs']} GCs in all); peak RSS "
                    f"**{h['peak_rss_mb']} MB**; {h['cpu_seconds']} CPU-s. Target: heap < 256 MB."]
        if h.get("cpu_ms_per_record"):
            cpu = h["cpu_ms_per_record"]
            machine = h.get("machine") or data["machine_after"]
            out += ["", f"Pace: {h['records_per_second']} records/s (load average "
                        f"{' '.join(f'{x:.1f}' for x in machine['load_average_1_5_15'])} after it, on "
                        f"{machine['nproc']} CPUs). CPU per record: runner {cpu['runner']} ms, PostgreSQL "
                        f"{cpu['postgres']} ms, sandbox {cpu['sandbox']} ms: the partition is CPU-bound, so "
                        f"1 000 000 records need about {(cpu['runner'] + cpu['postgres'] + cpu['sandbox']) * 1000 / machine['nproc'] / 60:.0f} "
                        "minutes of both CPUs of an otherwise idle machine."]
    return "\n".join(out)


if __name__ == "__main__":
    main()
