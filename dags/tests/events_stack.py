"""A real Airflow 3.3 whose DAG runs are started by broker messages: Debian's ``redis-server``, the
embedded PostgreSQL as the metadata database, an api-server, a dag-processor (it registers the
assets' watchers), a scheduler (LocalExecutor: it runs the tasks) and a triggerer (it runs the
watchers' triggers), which the tests stop and start again.

The processes, their sessions and their clean stop are celery_stack.py's (``CeleryStack`` without
its workers and with the LocalExecutor); this adds the dag-processor, the triggerer and a Redis
client for the tests.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import redis
from celery_stack import CeleryStack, await_gone

_CELERY = ("AIRFLOW__CELERY__BROKER_URL", "AIRFLOW__CELERY__RESULT_BACKEND", "AIRFLOW__CELERY__WORKER_CONCURRENCY")


class EventStack(CeleryStack):
    """Redis, api-server, dag-processor, scheduler and triggerer over ``dags``. The tasks run in the
    scheduler's LocalExecutor, so ``worker_env`` goes to the scheduler; ``redis_default`` is the
    stack's Redis for every process."""

    WORKERS = ()

    def __init__(self, base: Path, dags: Path, metadata_db: dict[str, Any], worker_env: dict[str, str]) -> None:
        super().__init__(base, dags, metadata_db, worker_env)
        for name in _CELERY:
            del self.env[name]
        self.env.update({
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW_CONN_REDIS_DEFAULT": f"redis://127.0.0.1:{self.redis_port}/0",
            # A killed triggerer's triggers go to the next one once its heartbeat is this old (default 30 s).
            "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "10",
        })

    def start(self) -> None:
        self._spawn("redis", [self._redis_server(), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.base)])
        self.airflow("db", "migrate", timeout=600)
        self._spawn("api-server", ["airflow", "api-server", "--port", str(self.api_port), "--workers", "1"])
        self._spawn("dag-processor", ["airflow", "dag-processor"])
        self._spawn("scheduler", ["airflow", "scheduler"], self.worker_env)
        self.start_triggerer()
        self._await(lambda: self._http_ok(f"http://127.0.0.1:{self.api_port}/api/v2/monitor/health"),
                    "api-server answering", 300)

    def start_triggerer(self) -> None:
        log = self.base / "triggerer.log"
        if log.exists():  # keep the stopped triggerer's log beside the new one's
            log.rename(self.base / f"triggerer-{len(list(self.base.glob('triggerer*.log')))}.log")
        self._spawn("triggerer", ["airflow", "triggerer", "--skip-serve-logs"])

    def stop_triggerer(self) -> None:
        self.processes.pop("triggerer").stop()

    def kill_triggerer(self) -> None:
        """SIGKILL the triggerer and its children: nothing of it runs a clean-up."""
        pids = self.processes.pop("triggerer").kill(signal.SIGKILL)
        if await_gone(pids, timeout=30):
            raise RuntimeError(f"part of the killed triggerer survived: {await_gone(pids, 0)}")

    def await_dags(self, dag_ids: set[str], timeout: float = 300) -> None:
        """Until the dag-processor has stored the DAGs and the scheduler their asset watchers."""
        def ready() -> bool:
            found = {r["dag_id"] for r in self.query("SELECT dag_id FROM dag WHERE dag_id = ANY(%s)", list(dag_ids))}
            watched = self.query("SELECT count(*) AS n FROM asset_watcher")[0]["n"]
            return found == dag_ids and watched >= len(dag_ids)
        self._await(ready, f"DAGs {sorted(dag_ids)} parsed with their asset watchers", timeout)

    def redis(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.redis_port, decode_responses=True)

    def await_listener(self, channel: str, timeout: float = 120) -> None:
        """Until some connection subscribes to ``channel`` (Redis' own count: PUBSUB NUMSUB)."""
        self._await(lambda: self.redis().pubsub_numsub(channel)[0][1] > 0, f"a subscriber on {channel}", timeout)

    def runs(self, dag_id: str) -> list[dict[str, Any]]:
        """The DAG's runs in creation order, each with the payloads of the broker messages behind it."""
        runs = self.query("SELECT id, run_id, state FROM dag_run WHERE dag_id = %s ORDER BY id", dag_id)
        events = self.query("SELECT d.dag_run_id, e.extra::text AS extra FROM dagrun_asset_event d "
                            "JOIN asset_event e ON e.id = d.event_id JOIN dag_run r ON r.id = d.dag_run_id "
                            "WHERE r.dag_id = %s ORDER BY e.id", dag_id)
        for run in runs:
            extras = [json.loads(e["extra"]) for e in events if e["dag_run_id"] == run["id"]]
            run["payloads"] = [x["payload"] for x in extras if x.get("from_trigger")]
        return runs

    def stranded(self, dag_id: str) -> list[dict[str, Any]]:
        """Payloads of the broker events of ``dag_id``'s assets that no run consumed and no queue row
        waits for: Airflow 3.3.2 starts no run for them until the asset's next event (an event stored
        while the scheduler creates a run of the same DAG; apache/airflow#70970, #56050)."""
        rows = self.query(
            "SELECT e.extra::text AS extra FROM asset_event e JOIN dag_schedule_asset_reference s "
            "ON s.asset_id = e.asset_id WHERE s.dag_id = %s "
            "AND NOT EXISTS (SELECT 1 FROM dagrun_asset_event d WHERE d.event_id = e.id) "
            "AND NOT EXISTS (SELECT 1 FROM asset_dag_run_queue q WHERE q.target_dag_id = %s) ORDER BY e.id",
            dag_id, dag_id)
        return [json.loads(r["extra"])["payload"] for r in rows]

    def await_runs(self, dag_id: str, count: int, timeout: float = 600) -> list[dict[str, Any]]:
        """Until the DAG has at least ``count`` runs and all of its runs have finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.runs(dag_id)
            if len(runs) >= count and all(r["state"] in ("success", "failed") for r in runs):
                return runs
            self._check_alive()
            time.sleep(1)
        raise AssertionError(f"{dag_id}: not {count} finished runs within {timeout:.0f}s: {self.runs(dag_id)}; "
                             f"logs in {self.base}")

    def _check_alive(self) -> None:
        super()._check_alive()
        for name in ("dag-processor", "triggerer"):
            p = self.processes.get(name)
            if p is not None and not p.alive:
                raise RuntimeError(f"{name} exited {p.popen.returncode}:\n{p.tail()}")

    @staticmethod
    def _redis_server() -> str:
        from celery_stack import redis_server

        return redis_server()
