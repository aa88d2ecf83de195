"""A stand-in for ``task-runner/bin/sluice`` that honours the runner contract (phase 1 tests).

``plan`` prints ``{"job", "partitions", "count"}``: the explicit ``--partitions``, else every day
(or hour) of ``[--from, --to)``, else the spec's default window 2026-11-01..2026-11-03.
``run`` prints a run summary and exits with the next code scripted for its partition in
``SLUICE_FAKE_SCRIPT`` (JSON ``{"<partition>": [75, 0], "*": [0]}``; ``"75r"`` = quota exhausted,
resume in ``SLUICE_FAKE_RESUME_S`` seconds). Every call appends one JSON line to
``SLUICE_FAKE_LOG``: argv, the contract env names it saw, a hash (never the value) of each secret.
Logs go to stderr as JSON lines, like the real runner's. Like the runner, it refuses with exit 78
a spec whose SHA-256 differs from ``--spec-sha256``.
"""

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

SECRETS = ("SLUICE_DB_PASSWORD", "SHOP_API_TOKEN")


def main(argv):
    command, opts = argv[0], _opts(argv[1:])
    job = Path(opts["--job"]).stem
    _record(argv)
    print(json.dumps({"level": "INFO", "msg": f"{command} starting", "job": job}), file=sys.stderr)
    actual = hashlib.sha256(Path(opts["--job"]).read_bytes()).hexdigest()
    if opts.get("--spec-sha256", actual) != actual:
        print(json.dumps({"command": command, "status": "error", "exit_code": 78,
                          "error": f"job spec {opts['--job']} differs from the one the DAG parsed: sha256 "
                                   f"{actual[:12]}, expected {opts['--spec-sha256'][:12]}"}))
        return 78
    if command == "plan":
        keys = opts["--partitions"].split(",") if "--partitions" in opts else _window(opts)
        print("planning...")
        print(json.dumps({"job": job, "partitions": keys, "count": len(keys)}))
        return 0
    partition = opts["--partition"]
    code = _next_code(partition)
    summary = {"job": job, "partition": partition, "exit_code": int(code.rstrip("r")), "records": 3,
               "pages": 1, "api_calls": 1, "http_429": 0, "retries": 0, "permit_wait_ms": 0,
               "watermark": {"page": 1}, "trace_id": "0" * 32, "force": "--force" in argv,
               "status": {"0": "done", "75": "retry_later", "75r": "retry_later"}.get(code, "failed"),
               "message": f"scripted exit {code}"}
    if code == "75r":
        wait = float(os.environ.get("SLUICE_FAKE_RESUME_S", "2"))
        resume = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
        summary["resume_at"] = resume.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    print(json.dumps(summary))
    # After the summary, as a JVM shutdown hook may log.
    print(json.dumps({"level": "INFO", "msg": "pool closed"}), file=sys.stderr)
    return summary["exit_code"]


def _opts(args):
    out, i = {}, 0
    while i < len(args):
        if i + 1 < len(args) and not args[i + 1].startswith("--"):
            out[args[i]], i = args[i + 1], i + 2
        else:
            out[args[i]], i = True, i + 1
    return out


def _window(opts):
    if "--from" not in opts:
        return ["2026-11-01", "2026-11-02", "2026-11-03"]
    hourly = "T" in opts["--from"]
    parse = (lambda s: dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")) if hourly else dt.date.fromisoformat
    step = dt.timedelta(hours=1) if hourly else dt.timedelta(days=1)
    start, end, keys = parse(opts["--from"]), parse(opts["--to"]), []
    while start < end:
        keys.append(start.strftime("%Y-%m-%dT%H:%M:%SZ") if hourly else start.isoformat())
        start += step
    return keys


def _next_code(partition):
    script = json.loads(os.environ.get("SLUICE_FAKE_SCRIPT", "{}"))
    codes = script.get(partition, script.get("*", [0]))
    state = Path(os.environ.get("SLUICE_FAKE_LOG", "/dev/null") + f".{partition}.count")
    n = int(state.read_text()) if state.exists() else 0
    if os.environ.get("SLUICE_FAKE_LOG"):
        state.write_text(str(n + 1))
    return str(codes[min(n, len(codes) - 1)])


def _record(argv):
    log = os.environ.get("SLUICE_FAKE_LOG")
    if not log:
        return
    contract = ("AIRFLOW_CTX_", "SLUICE_DB_URL", "SLUICE_DB_USER", "TRACE")
    env = {k: v for k, v in os.environ.items() if k.startswith(contract)}
    hashes = {k: hashlib.sha256(os.environ[k].encode()).hexdigest() for k in SECRETS if k in os.environ}
    with open(log, "a") as f:
        f.write(json.dumps({"argv": argv, "env": env, "secret_sha256": hashes, "env_names": sorted(os.environ)}) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
