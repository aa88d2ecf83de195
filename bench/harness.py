"""Shared pieces of the benchmark scripts: the machine, the servers they start, the results they keep.

Every script starts what it measures against (an embedded PostgreSQL via `sluice db start`, the
sandbox API via `sluice sandbox`) on free ports in a temporary directory, stops exactly the
processes it started, and writes bench/results/<name>.json plus a short <name>.md.
"""

import contextlib
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUICE = ROOT / "task-runner" / "bin" / "sluice"
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))


def log(message):
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def machine():
    """What the numbers were measured on, and how busy it was (sampled at the call)."""
    load = Path("/proc/loadavg").read_text().split()[:3]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "load_average_1_5_15": [float(x) for x in load],
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": _os_name(),
        "python": platform.python_version(),
        "sluice_commit": _git("rev-parse", "--short", "HEAD"),
        # results the benchmarks themselves just wrote do not make the measured code dirty
        "sluice_worktree_dirty": bool(_git("status", "--porcelain", "--untracked-files=no", "--", ".",
                                           ":(exclude)bench/results")),
    }


def _os_name():
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    return platform.system()


def _git(*args):
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    return None


def summary(values):
    """Median, min, max and every value: the spread stays visible."""
    values = list(values)
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "values": values}


def last_json_line(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError(f"no JSON line in output: {text[-500:]!r}")


class Foreground:
    """A `sluice` command that runs in the foreground until stopped and prints one JSON 'ready' line."""

    def __init__(self, args, ready_key, env=None, timeout=120):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([str(SLUICE), *args], stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                        env=env or os.environ.copy(), start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("{") and ready_key in json.loads(line):
                self.ready = json.loads(line)
                return
        self.stop()
        self.stderr.seek(0)
        raise RuntimeError(f"sluice {' '.join(args)} did not get ready:\n{self.stderr.read()[-3000:]}")

    def stop(self):
        """SIGTERM to the process we started (its own session), then wait for it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@contextlib.contextmanager
def database():
    """An embedded PostgreSQL 18 (`sluice db start`) in a temporary home; yields the env to reach it."""
    home = tempfile.mkdtemp(prefix="sluice-bench-db-")
    server = Foreground(["db", "start", "--port", "0", "--home", home], "database")
    try:
        url = server.ready["url"]
        env = dict(os.environ, SLUICE_DB_URL=url, SLUICE_DB_USER="postgres", SLUICE_HOME=home,
                   SLUICE_LOG_FORMAT="text")
        port = int(url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])
        log(f"database ready at {url}")
        yield {"env": env, "url": url, "port": port, "home": home}
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


class Sandbox:
    """The sandbox API (`sluice sandbox`): ground truth through /_sandbox/stats."""

    def __init__(self, *args):
        self.server = Foreground(["sandbox", "--port", "0", "--stats-interval", "0", *args], "sandbox")
        self.url = self.server.ready["url"]
        log(f"sandbox ready at {self.url} ({' '.join(args)})")

    def stats(self):
        with urllib.request.urlopen(self.url + "/_sandbox/stats", timeout=10) as response:
            return json.load(response)

    def reset(self):
        request = urllib.request.Request(self.url + "/_sandbox/reset", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()

    def stop(self):
        self.server.stop()


def sluice(args, env, timeout=600):
    """Runs one sluice command to its end; returns (exit code, last JSON line or None, seconds, stderr)."""
    started = time.perf_counter()
    done = subprocess.run([str(SLUICE), *args], env=env, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    try:
        result = last_json_line(done.stdout)
    except ValueError:
        result = None
    return done.returncode, result, seconds, done.stderr


def spawn(args, env, launcher=None):
    """Starts ``launcher`` (default the sluice launcher) with ``args``, its output in temporary files;
    returns (Popen, monotonic start time, stdout file, stderr file), for :func:`reap`."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    started = time.monotonic()
    process = subprocess.Popen([str(launcher or SLUICE), *args], env=env, stdout=out, stderr=err)
    return process, started, out, err


def reap(process, out, err):
    """Waits for a :func:`spawn`-ed process with wait4 (its own usage, not its siblings'): returns
    (exit code, CPU seconds of it and its children, peak RSS MB, stdout, stderr, last JSON line or None)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    stdout, stderr = out.read().decode(), err.read().decode()
    out.close()
    err.close()
    try:
        result = last_json_line(stdout)
    except ValueError:
        result = None
    return process.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, stderr, result


def write(name, data, markdown):
    """bench/results/<name>.json (everything) and <name>.md (the short summary)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2, default=str) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown.rstrip() + "\n")
    log(f"wrote {RESULTS / name}.json and .md")
    print(markdown)


def machine_line(m):
    load = " ".join(f"{x:.2f}" for x in m["load_average_1_5_15"])
    return (f"{m['date']} · {m['nproc']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, {m['os']} · "
            f"load average {load} · sluice {m['sluice_commit']}{' (dirty)' if m['sluice_worktree_dirty'] else ''}")


def job_spec(directory, name, page_size, limit, rate, start="2026-11-01", end="2026-11-09"):
    """An orders job against the sandbox (URL from $BENCH_API), with one shared limit; returns its path."""
    path = Path(directory) / f"{name}.yaml"
    path.write_text(f"""\
job: {name}
partitions: {{type: daily, start: {start}, end: {end}}}
source:
  type: http
  url: ${{BENCH_API}}/v1/orders
  params: {{partition: "{{partition}}", page_size: "{page_size}"}}
  records: $.data
  pagination: {{type: cursor, cursor: $.next_cursor, param: cursor}}
  timeout: 30s
sink:
  type: postgres
  table: {name}_orders
  key: [id]
  columns:
    id:          {{path: $.id, type: text}}
    customer_id: {{path: $.customer_id, type: bigint}}
    amount:      {{path: $.amount, type: numeric}}
    currency:    {{path: $.currency, type: text}}
    status:      {{path: $.status, type: text}}
    note:        {{path: $.note, type: text}}
    updated_at:  {{path: $.updated_at, type: timestamptz}}
limits: [{{name: {limit}, rates: [{rate}]}}]
""")
    return path
