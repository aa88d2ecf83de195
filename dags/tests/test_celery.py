"""Sluice on Airflow's CeleryExecutor with a real broker: a scheduler and two Celery workers on
different host names (celery_stack.py), one shared rate limit, and a worker lost mid-run.

The runners of both workers share one API budget through PostgreSQL (``limits:``); the sandbox
enforces the same limit strictly and counts every 429 it sends, so "0 rejections" means the
budget held across workers. Without Debian's redis-server every test here is SKIPPED with the
reason (``SLUICE_REQUIRE_REDIS=1``, set by .ci/run: a failure), never passed.

Run: ``make test-dags-celery`` (part of ``make test``).
"""

from __future__ import annotations

import os
import signal
import time

import celery_stack
import pytest

from conftest import SANDBOX_TOKEN
from real_sluice import Foreground, write_job

pytestmark = pytest.mark.celery

RATE = 10  # API calls per second: the sandbox's strict limit and the jobs' shared limit
PAGE = 50
RECORDS = 800  # per partition, ± 10 %: about 16 pages, so a kill lands mid-partition
LEASE_TTL = 30  # s; longer than Airflow's detection, so the retry visibly waits for the lease
HEARTBEAT_TIMEOUT = 20  # s without a task heartbeat before the scheduler fails the try
AIRFLOW = {"owner": "qa", "backend": "subprocess", "retries": 4, "retry_delay": "1s", "max_retry_delay": "2s",
           "max_active_partitions": 8, "env": ["SLUICE_SANDBOX_URL"], "secrets": ["SHOP_API_TOKEN"]}
SECTIONS = {"limits": [{"name": "celery-shop-api", "rates": [f"{RATE}/1s"]}],
            "runner": {"lease_ttl": f"{LEASE_TTL}s"}}
SPREAD = [f"2026-11-{d:02d}" for d in range(1, 17)]  # 16 partitions
KILLED = [f"2026-12-{d:02d}" for d in range(1, 17)]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A sandbox of its own with a strict limit of RATE calls per second (a 429 beyond it)."""
    args = ["sandbox", "--port", "0", "--limit", f"{RATE}/1s", "--seed", "11", "--records-per-partition",
            str(RECORDS), "--records-spread", "0.1", "--latency", "50ms", "--token", SANDBOX_TOKEN,
            "--stats-interval", "0s"]
    import real_sluice

    process = Foreground("celery-sandbox", args, tmp_path_factory.mktemp("celery-sandbox"))
    yield real_sluice.Sandbox(process)
    process.stop()


@pytest.fixture(scope="module")
def stack(airflow_stack, sluice_db, shop, runner_launcher):
    def write_jobs(jobs):
        for job in ("celery_spread", "celery_kill"):
            write_job(jobs, job, AIRFLOW, page_size=PAGE, **SECTIONS)

    def make(base, dags, metadata):
        worker_env = {"AIRFLOW_CONN_SLUICE_DB": sluice_db.airflow_conn, "SLUICE_SANDBOX_URL": shop.url,
                      "SHOP_API_TOKEN": SANDBOX_TOKEN, "SLUICE_HOME": str(base / "sluice-home"),
                      **({"SLUICE_BIN": str(runner_launcher)} if runner_launcher else {})}
        return celery_stack.CeleryStack(base, dags, metadata, worker_env, slots_per_worker=2,
                                        heartbeat_timeout=HEARTBEAT_TIMEOUT)

    return airflow_stack("celery", make, write_jobs)


def _exact(sluice_db, shop, job: str, days: list[str]) -> None:
    for day in days:
        assert sluice_db.sink_rows(f"{job}_orders", day) == shop.truth(day), f"{job} {day}: sink differs"


def test_sixteen_partitions_spread_over_two_workers_load_exactly_within_one_shared_limit(stack, sluice_db, shop):
    before, started = shop.stats()["rate_limited"], time.monotonic()
    stack.trigger("sluice_celery_spread", "spread-1", {"start_date": SPREAD[0], "end_date": SPREAD[-1]})

    assert stack.await_run("sluice_celery_spread", "spread-1", timeout=900) == "success"
    print(f"\n16 partitions over two workers: {time.monotonic() - started:.1f} s from trigger to success; "
          f"load {os.getloadavg()[0]:.1f}")
    tis = stack.task_instances("sluice_celery_spread", "spread-1")
    assert [t["rendered_map_index"] for t in tis] == SPREAD
    assert {t["state"] for t in tis} == {"success"}
    hosts = {t["hostname"] for t in tis}
    assert hosts == set(stack.WORKERS), f"partitions ran on {hosts}"  # both workers, and only they
    _exact(sluice_db, shop, "celery_spread", SPREAD)
    assert shop.stats()["rate_limited"] - before == 0  # one budget across both workers' runners
    owners = {a["owner"].split("@", 1)[1].split("/")[0]
              for day in SPREAD for a in sluice_db.attempts("celery_spread", day)}
    assert owners == set(stack.WORKERS)  # the runners' lease owners carry each worker's host name


def _running_on(sluice_db, worker: str) -> list[dict]:
    """Partitions whose live lease belongs to a runner of ``worker`` and that committed a page."""
    return sluice_db.query(
        "SELECT partition_key, epoch, watermark, lease_expires_at, pages FROM sluice_partition "
        "WHERE job = 'celery_kill' AND state = 'running' AND lease_owner LIKE %s AND pages > 0 "
        "AND lease_expires_at > now()", f"%@{worker}/%")


def test_a_worker_killed_mid_run_loses_nothing_its_partitions_resume_on_the_other_after_the_lease(
        stack, sluice_db, shop):
    victim, survivor = stack.WORKERS
    before = shop.stats()["rate_limited"]
    stack.trigger("sluice_celery_kill", "kill-1", {"start_date": KILLED[0], "end_date": KILLED[-1]})
    deadline = time.monotonic() + 300
    while not (held := _running_on(sluice_db, victim)):
        assert time.monotonic() < deadline, "no partition of the victim worker committed a page within 300s"
        time.sleep(0.2)

    killed_pids = stack.processes[victim].kill(signal.SIGKILL)
    killed_at, killed_db = time.monotonic(), sluice_db.query("SELECT now() AS t")[0]["t"]
    assert celery_stack.await_gone(killed_pids, timeout=10) == [], "part of the killed worker survived"
    time.sleep(1)  # a COMMIT the dead runner sent just before the kill lands in PostgreSQL
    # What the dead runners held, read after the kill: their last lease and committed position.
    held = {r["partition_key"]: r for r in sluice_db.query(
        "SELECT partition_key, epoch, watermark, lease_expires_at, pages FROM sluice_partition "
        "WHERE job = 'celery_kill' AND partition_key = ANY(%s)", [r["partition_key"] for r in held])}
    assert len(killed_pids) >= 4  # the worker, its pool, a task supervisor, a runner at least

    assert stack.await_run("sluice_celery_kill", "kill-1", timeout=900) == "success"
    _exact(sluice_db, shop, "celery_kill", KILLED)
    assert shop.stats()["rate_limited"] - before == 0

    recovered = []
    for key, row in held.items():
        attempts = sluice_db.attempts("celery_kill", key)
        dead = [a for a in attempts if a["epoch"] == row["epoch"]]
        after = [a for a in attempts if a["epoch"] > row["epoch"]]
        assert dead and f"@{victim}/" in dead[0]["owner"]
        # Closed by the takeover as lost because its lease expired, not because its pid was gone
        # from "this host" (the shortcut for dead owners on the same machine).
        assert dead[0]["status"] == "lost" and "expired" in dead[0]["message"], dead[0]
        assert after, f"{key}: no attempt after the killed one"
        takeover = after[0]
        assert f"@{survivor}/" in takeover["owner"], f"{key}: retried by {takeover['owner']}"
        # No same-host shortcut: the survivor is another host, so it waited for the lease to lapse.
        assert takeover["started_at"] >= row["lease_expires_at"], (key, takeover["started_at"], row["lease_expires_at"])
        # Resumed from the watermark: the pages after the kill are the rest, not the whole partition.
        done = sluice_db.query("SELECT pages, completed_at FROM sluice_partition WHERE job = 'celery_kill' "
                               "AND partition_key = %s", key)[0]
        assert sum(a["pages"] for a in after) == done["pages"] - row["pages"] < done["pages"]
        assert shop.requests(key) <= done["pages"] + 1  # at most the page in flight at the kill again
        recovered.append(((done["completed_at"] - killed_db).total_seconds(),
                          (done["completed_at"] - row["lease_expires_at"]).total_seconds()))

    ti_rows = {t["rendered_map_index"]: t for t in stack.task_instances("sluice_celery_kill", "kill-1")}
    for key in held:
        assert ti_rows[key]["hostname"] == survivor and ti_rows[key]["try_number"] > 1, ti_rows[key]
    elapsed = time.monotonic() - killed_at
    # Recovery is bounded by the lease TTL plus Airflow's detection (heartbeat timeout), plus the
    # retry's start and the rest of the partition: a generous sanity bound, not a speed target.
    assert elapsed < 600
    each = ", ".join(f"{k:.1f} s after the kill ({e:.1f} s after its lease lapsed)" for k, e in recovered)
    print(f"\nworker kill: {len(held)} partition(s) held by {victim} ({sorted(held)}); each done {each}; "
          f"run finished {elapsed:.1f} s after the kill (lease_ttl {LEASE_TTL}s, "
          f"heartbeat timeout {HEARTBEAT_TIMEOUT}s); load {os.getloadavg()[0]:.1f}")
