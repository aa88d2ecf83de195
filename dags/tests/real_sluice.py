"""The real runner's side of the end-to-end tests: ``sluice db start`` (embedded PostgreSQL) and
``sluice sandbox`` (the fake shop API) as foreground processes, and readers of their ground truth.

Each process is ready when it prints its JSON ready line on stdout, and is stopped by its own pid
with SIGTERM (SIGKILL after 30 s). Its stderr goes to a log file named in every failure.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import subprocess
import threading
import time
import urllib.request
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extras
import yaml

REPO = Path(__file__).resolve().parents[2]
SLUICE = REPO / "task-runner" / "bin" / "sluice"
JAR = REPO / "task-runner" / "target" / "sluice.jar"
EXAMPLE_SPEC = REPO / "dags" / "jobs" / "orders.yaml"
COLUMNS = ("id", "customer_id", "amount", "currency", "status", "note", "updated_at")


def require_runner() -> None:
    """The runner must be built; a missing jar is an error, never a skip (``make test-dags`` builds it)."""
    if not JAR.exists():
        raise RuntimeError(f"{JAR} is missing: run `make build` (make test-dags does) before the end-to-end tests")


def takes_spec_sha256() -> bool:
    """Whether this runner build has ``--spec-sha256`` (the DAGs pass it with every command)."""
    out = subprocess.run([str(SLUICE), "run", "--help"], capture_output=True, text=True, timeout=120)
    return "--spec-sha256" in out.stdout + out.stderr


def launcher_without_spec_sha256(folder: Path) -> Path:
    """A launcher that drops ``--spec-sha256 HEX`` and runs the real one: only for a runner built
    before it took that option, so the other end-to-end tests still run (conftest says so loudly).
    Remove once every runner build has it."""
    shim = folder / "sluice-without-spec-sha256"
    shim.write_text("#!/usr/bin/env bash\nargs=()\nwhile (($#)); do\n"
                    "  if [[ $1 == --spec-sha256 ]]; then shift 2; continue; fi\n"
                    f"  args+=(\"$1\"); shift\ndone\nexec {SLUICE} \"${{args[@]}}\"\n")
    shim.chmod(0o755)
    return shim


class Foreground:
    """``sluice ARGS`` in the foreground, ready once stdout shows a JSON line with ``ready_key``."""

    def __init__(self, name: str, args: list[str], logs: Path, env: dict[str, str] | None = None,
                 timeout: float = 90) -> None:
        self.name, self.log = name, logs / f"{name}.stderr.log"
        logs.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen([str(SLUICE), *args], stdout=subprocess.PIPE, stderr=self.log.open("w"),
                                     text=True, env={**os.environ, **(env or {})})
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        self.ready = self._await_ready(timeout)

    def _drain(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self._lines.put(line)
        self._lines.put(None)

    def _await_ready(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise RuntimeError(f"{self.name} exited {self.proc.wait()} before it was ready; see {self.log}")
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict) and "url" in value:
                return value
        self.stop()
        raise RuntimeError(f"{self.name} printed no ready line within {timeout:.0f}s; see {self.log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Sandbox:
    """The running sandbox: its URL, admin API (config, stats, reset) and ground truth."""

    def __init__(self, process: Foreground) -> None:
        self.process, self.url = process, process.ready["url"]

    def configure(self, **patch: Any) -> dict[str, Any]:
        return self._call("POST", "/_sandbox/config", patch)

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/_sandbox/stats")

    def requests(self, partition: str) -> int:
        return self.stats()["partition_requests"].get(partition, 0)

    def truth(self, partition: str) -> list[dict[str, Any]]:
        """Every record of the partition (not counted by the sandbox), as the sink should hold it."""
        orders = self._call("GET", f"/_sandbox/orders?partition={partition}")["orders"]
        return [{c: _typed(c, o[c]) for c in COLUMNS} for o in orders]

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read(), parse_float=Decimal)


class SluiceDb:
    """The embedded PostgreSQL that ``sluice db start`` runs: its JDBC URL and plain SQL reads."""

    def __init__(self, process: Foreground) -> None:
        self.process, self.jdbc_url, self.user = process, process.ready["url"], process.ready.get("user", "postgres")
        host_port = self.jdbc_url.split("//", 1)[1].split("/", 1)[0]
        self.host, self.port = host_port.rsplit(":", 1)

    @property
    def airflow_conn(self) -> str:
        """The Airflow connection URI for ``sluice_db`` (the embedded server trusts local users)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/postgres"

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        with psycopg2.connect(host=self.host, port=int(self.port), user=self.user, dbname="postgres") as conn:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute(sql, args)
                return [dict(r) for r in cur.fetchall()]

    def sink_rows(self, table: str, partition: str) -> list[dict[str, Any]]:
        columns = ", ".join(COLUMNS)
        return self.query(f"SELECT {columns} FROM {table} WHERE _sluice_partition = %s ORDER BY id", partition)

    def attempts(self, job: str, partition: str) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM sluice_attempt WHERE job = %s AND partition_key = %s ORDER BY epoch",
                          job, partition)

    def table_exists(self, table: str) -> bool:
        return bool(self.query("SELECT 1 FROM information_schema.tables WHERE table_name = %s", table))


def sluice(*args: str, env: dict[str, str]) -> tuple[int, dict[str, Any] | None]:
    """Run a short sluice command (status, validate); return its exit code and last stdout JSON."""
    out = subprocess.run([str(SLUICE), *args], capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "null"
    return out.returncode, json.loads(last)


E2E_PAGE_SIZE = 100


def write_job(folder: Path, job: str, airflow: dict[str, Any], page_size: int = E2E_PAGE_SIZE, **sections: Any) -> Path:
    """The example orders spec (dags/jobs/orders.yaml) as job ``job`` with its own sink table and
    the given ``airflow:`` block; ``sections`` add or replace top-level sections (retry, runner, ...),
    ``page_size`` replaces the example's page size, so the tests' page arithmetic does not follow the example."""
    spec = yaml.safe_load(EXAMPLE_SPEC.read_text())
    spec.update(job=job, airflow=airflow, **sections)
    spec["sink"] = {**spec["sink"], "table": f"{job}_orders"}
    spec["source"]["params"] = {**spec["source"]["params"], "page_size": str(page_size)}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{job}.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def cursor_offset(watermark: dict[str, Any]) -> int:
    """The record offset a watermark ``{"next": {"cursor": C}}`` points at (sandbox cursors are
    base64url of ``o:N``)."""
    token = watermark["next"]["cursor"]
    return int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().removeprefix("o:"))


def _typed(column: str, value: Any) -> Any:
    if column == "amount":
        return Decimal(str(value))
    if column == "updated_at":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value
