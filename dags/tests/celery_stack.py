"""A real Airflow 3.3 with the CeleryExecutor on this machine, without images: Debian's
``redis-server`` as the broker, the embedded PostgreSQL (``sluice db start``) as Airflow's metadata
database, an api-server (the Execution API the workers report to), a scheduler, and two
``airflow celery worker`` processes that present different host names.

Two workers on one machine would look like one host twice, to Airflow (``ti.hostname``) and to the
runner's leases (``pid@host``: a lease of a dead pid on *this* host is taken over at once). Each
worker gets its own name for both: Airflow's ``[core] hostname_callable`` reads it
(``celery_worker_name.hostname``) and the runners it starts inherit ``SLUICE_HOST``. So a killed
worker's leases wait out their TTL, as they would on another machine.

Every process runs in its own session and is stopped by process group (SIGTERM, then SIGKILL),
descendants included, whatever happens in the test: leftover schedulers hurt everyone here.
The DAG files are parsed once into the database (``airflow dags reserialize``) instead of by a
dag-processor, and no triggerer runs (Sluice's waits reschedule, they do not defer): the fewest
processes that work on a shared two-core machine.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg2
import psycopg2.extras

DAGS = Path(__file__).resolve().parents[1]
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV") or DAGS.parent / ".venv" / "airflow") / "bin"
JWT_SECRET = "celery-harness-only-not-a-secret"
WORKER_NAME_MODULE = '''"""Airflow's [core] hostname_callable for the test workers: the name SLUICE_HOST gives."""
import os


def hostname() -> str:
    return os.environ["SLUICE_HOST"]
'''


def redis_server() -> str | None:
    """Debian's redis-server (or SLUICE_REDIS_SERVER), or None: the tests then skip, saying so,
    or fail under SLUICE_REQUIRE_REDIS."""
    named = os.environ.get("SLUICE_REDIS_SERVER")
    if named:
        return named if os.access(named, os.X_OK) else None
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    """One process in its own session; stderr and stdout go to ``log``."""

    name: str
    popen: subprocess.Popen
    log: Path
    tree: list[psutil.Process] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.popen.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def session(self) -> list[psutil.Process]:
        """Every process of this one's session: its descendants, also those that made a process
        group of their own (Airflow's task processes do) or were orphaned by a dead parent."""
        members = []
        for p in psutil.process_iter():
            try:
                if os.getsid(p.pid) == self.popen.pid:
                    members.append(p)
            except (ProcessLookupError, PermissionError, psutil.NoSuchProcess):
                pass
        return members

    def kill(self, sig: int = signal.SIGKILL) -> list[int]:
        """Signal the process, its group, its descendants and its session; returns the pids signalled."""
        victims = {p.pid: p for p in [*_as_psutil(self.popen.pid), *self.descendants(), *self.session()]}
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass
        for p in victims.values():
            try:
                p.send_signal(sig)
            except psutil.NoSuchProcess:
                pass
        return list(victims)

    def stop(self, grace: float = 10) -> None:
        tree = [*self.descendants(), *self.session()]
        self.kill(signal.SIGTERM)
        _, alive = psutil.wait_procs([*tree, *_as_psutil(self.popen.pid)], timeout=grace)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=30)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def await_gone(pids: list[int], timeout: float) -> list[int]:
    """The pids still running (not exited, not a zombie) after up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        running = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    running.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.2)


def _as_psutil(pid: int) -> list[psutil.Process]:
    try:
        return [psutil.Process(pid)]
    except psutil.NoSuchProcess:
        return []


class CeleryStack:
    """Redis, api-server, scheduler and two Celery workers over ``dags`` (a folder with the DAG
    file and jobs/). ``worker_env`` is what each worker (and so each runner) gets on top."""

    WORKERS = ("worker-a", "worker-b")

    def __init__(self, base: Path, dags: Path, metadata_db: dict[str, Any], worker_env: dict[str, str],
                 slots_per_worker: int = 2, heartbeat_timeout: int = 20) -> None:
        self.base, self.dags, self.db = base, dags, metadata_db
        self.processes: dict[str, Process] = {}
        self.redis_port, self.api_port = free_port(), free_port()
        (base / "pythonpath").mkdir(parents=True, exist_ok=True)
        (base / "pythonpath" / "celery_worker_name.py").write_text(WORKER_NAME_MODULE)
        url = f"postgresql+psycopg2://{metadata_db['user']}@{metadata_db['host']}:{metadata_db['port']}/{metadata_db['dbname']}"
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith(("AIRFLOW", "SLUICE_", "PYTEST", "_AIRFLOW")) and k != "SHOP_API_TOKEN"}
        self.env = {
            **clean,
            "PATH": f"{VENV_BIN}:{clean.get('PATH', '/usr/bin:/bin')}",
            "PYTHONPATH": f"{base / 'pythonpath'}:{DAGS}",  # the worker-name hook; sluice_airflow
            "AIRFLOW_HOME": str(base / "airflow-home"),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # As many task slots as the workers have: nothing waits in a worker's prefetch buffer,
            # where a killed worker would take it along (its message would reappear only after the
            # broker's visibility timeout).
            "AIRFLOW__CORE__PARALLELISM": str(slots_per_worker * len(self.WORKERS)),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": url,
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + url.replace("+psycopg2", ""),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(slots_per_worker),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
            "AIRFLOW__API_AUTH__JWT_SECRET": JWT_SECRET,
            "AIRFLOW__API__PORT": str(self.api_port),
            # A worker that stops heartbeating is noticed after this many seconds (default 300).
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(heartbeat_timeout),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "2",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "3600",
            "AIRFLOW__SCHEDULER__STANDALONE_DAG_PROCESSOR": "True",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        }
        self.worker_env = worker_env

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._spawn("redis", [redis_server(), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.base)])
        self.airflow("db", "migrate", timeout=600)
        self.airflow("dags", "reserialize", timeout=600)
        parsed = {r["dag_id"] for r in self.query("SELECT dag_id FROM dag")}
        if not parsed:
            errors = self.query("SELECT filename, stacktrace FROM import_error")
            raise RuntimeError(f"airflow dags reserialize found no DAG in {self.dags}: {errors}")
        self._spawn("api-server", ["airflow", "api-server", "--port", str(self.api_port), "--workers", "1"])
        self._spawn("scheduler", ["airflow", "scheduler"])
        for name in self.WORKERS:
            self.start_worker(name)
        self._await(lambda: self._http_ok(f"http://127.0.0.1:{self.api_port}/api/v2/monitor/health"),
                    "api-server answering", 180)
        for name in self.WORKERS:
            self._await(lambda n=name: "ready." in self.processes[n].tail(400), f"{name} ready", 180)

    def start_worker(self, name: str) -> None:
        env = {**self.worker_env, "SLUICE_HOST": name,
               "AIRFLOW__CORE__HOSTNAME_CALLABLE": "celery_worker_name.hostname",
               "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
        self._spawn(name, ["airflow", "celery", "worker", "--celery-hostname", f"{name}@%h",
                           "--concurrency", self.env["AIRFLOW__CELERY__WORKER_CONCURRENCY"],
                           "--queues", "default", "--skip-serve-logs", "--without-mingle", "--without-gossip"],
                    env)

    def stop(self) -> None:
        for name in reversed(list(self.processes)):
            self.processes[name].stop()

    def _spawn(self, name: str, argv: list[str], extra: dict[str, str] | None = None) -> Process:
        log = self.base / f"{name}.log"
        popen = subprocess.Popen(argv, env={**self.env, **(extra or {})}, stdout=log.open("w"),
                                 stderr=subprocess.STDOUT, start_new_session=True, cwd=self.base)
        self.processes[name] = Process(name, popen, log)
        return self.processes[name]

    def _await(self, check, what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if check():
                return
            time.sleep(1)
        raise RuntimeError(f"no {what} within {timeout:.0f}s; logs in {self.base}")

    @staticmethod
    def _http_ok(url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    # --- Airflow -----------------------------------------------------------------------------

    def airflow(self, *args: str, timeout: float = 300) -> str:
        out = subprocess.run(["airflow", *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                             cwd=self.base)
        if out.returncode != 0:
            raise RuntimeError(f"airflow {' '.join(args)} exited {out.returncode}:\n{out.stderr[-3000:]}")
        return out.stdout

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any]) -> None:
        self.airflow("dags", "trigger", dag_id, "--run-id", run_id, "--conf", json.dumps(conf))

    def query(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        with psycopg2.connect(host=self.db["host"], port=int(self.db["port"]), user=self.db["user"],
                              dbname=self.db["dbname"]) as conn:
            with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
                cur.execute(sql, args)
                return [dict(r) for r in cur.fetchall()]

    def run_state(self, dag_id: str, run_id: str) -> str | None:
        rows = self.query("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", dag_id, run_id)
        return rows[0]["state"] if rows else None

    def task_instances(self, dag_id: str, run_id: str, task_id: str = "run") -> list[dict[str, Any]]:
        return self.query("SELECT map_index, rendered_map_index, state, hostname, try_number FROM task_instance "
                          "WHERE dag_id = %s AND run_id = %s AND task_id = %s ORDER BY map_index",
                          dag_id, run_id, task_id)

    def history(self, dag_id: str, run_id: str, task_id: str = "run") -> list[dict[str, Any]]:
        """Earlier tries of the run's task instances (Airflow moves a retried try here)."""
        return self.query("SELECT map_index, state, hostname, try_number FROM task_instance_history "
                          "WHERE dag_id = %s AND run_id = %s AND task_id = %s ORDER BY map_index, try_number",
                          dag_id, run_id, task_id)

    def await_run(self, dag_id: str, run_id: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.run_state(dag_id, run_id)
            if state in ("success", "failed"):
                return state
            self._check_alive()
            time.sleep(2)
        raise AssertionError(f"{dag_id} {run_id} did not finish within {timeout:.0f}s: "
                             f"{self.task_instances(dag_id, run_id)}; logs in {self.base}")

    def _check_alive(self) -> None:
        for p in self.processes.values():
            if p.name in ("redis", "api-server", "scheduler") and not p.alive:
                raise RuntimeError(f"{p.name} exited {p.popen.returncode}:\n{p.tail()}")
