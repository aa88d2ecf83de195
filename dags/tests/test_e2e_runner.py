"""Whole DAG runs with ``dag.test()`` through the real runner: the subprocess backend starts
``task-runner/bin/sluice`` for the plan and for every partition, against the embedded PostgreSQL
(``sluice db start``) and the sandbox API (``sluice sandbox``) the session fixtures run.

Each test has its own job (own sink table and partition state) and its own partition keys (the
sandbox counts requests per key). What the sink holds is compared, row by row and field by
field, with the sandbox's ground truth.
"""

import copy
import hashlib
import json
import math
from datetime import datetime, timedelta

import pytest
import yaml

from conftest import parse_dags, tis, xcom
from real_sluice import E2E_PAGE_SIZE, EXAMPLE_SPEC, cursor_offset, sluice, write_job

PAGE = E2E_PAGE_SIZE  # page size of the jobs write_job writes
AIRFLOW = {"owner": "qa", "backend": "subprocess", "retries": 2, "retry_delay": "1s", "max_retry_delay": "2s",
           "env": ["SLUICE_SANDBOX_URL"], "secrets": ["SHOP_API_TOKEN"]}
# One attempt per API call: a 503 ends the run with exit 75 and the retry is Airflow's.
RUNNER = {"retry": {"max_attempts": 1}, "runner": {"lease_ttl": "3s"}}
QUOTA_PERIOD = 5


def example_sink(**column_types):
    sink = copy.deepcopy(yaml.safe_load(EXAMPLE_SPEC.read_text())["sink"])
    for column, kind in column_types.items():
        sink["columns"][column]["type"] = kind
    return sink


@pytest.fixture(scope="module")
def jobs(e2e_folder):
    folder = e2e_folder / "jobs"
    return {
        "clean": write_job(folder, "e2e_clean", AIRFLOW, **RUNNER),
        "resume": write_job(folder, "e2e_resume", AIRFLOW, **RUNNER),
        "bad_spec": write_job(folder, "e2e_bad_spec", AIRFLOW, sink=example_sink(amount="money_bags"), **RUNNER),
        "bad_data": write_job(folder, "e2e_bad_data", AIRFLOW, sink=example_sink(status="bigint"), **RUNNER),
        # One call per 5 s period (UTC-aligned); a run that would wait more than max_wait for a permit
        # exits 75 with resume_at = the next refill.
        "quota": write_job(folder, "e2e_quota", {**AIRFLOW, "retries": 0}, **RUNNER,
                           limits=[{"name": "e2e-quota", "quotas": [f"1/{QUOTA_PERIOD}s"], "max_wait": "1s"}]),
        # The breaker opens on the first failed call and stays open 2 s, so the call's retry finds it
        # open; Airflow waits at most 15 s, and has no retry to spend.
        "outage": write_job(folder, "e2e_outage", {**AIRFLOW, "retries": 0, "reschedule_timeout": "15s"},
                            retry={"max_attempts": 3, "initial_delay": "100ms", "max_delay": "100ms"},
                            runner={"lease_ttl": "3s"}, breaker={"failure_threshold": 1, "open_for": "2s"}),
        "edited": write_job(folder, "e2e_edited", AIRFLOW, **RUNNER),
    }


@pytest.fixture
def dags(jobs, real_env):
    return parse_dags()


def pages(records):
    return math.ceil(records / PAGE)


def test_six_partitions_load_exactly_the_rows_the_api_serves(dags, sandbox, sluice_db, real_env, jobs):
    days = [f"2026-11-0{d}" for d in range(1, 7)]
    dr = dags["sluice_e2e_clean"].test(logical_date=None, run_conf={"start_date": days[0], "end_date": days[-1]})

    assert dr.state == "success"
    assert xcom(dr, "plan") == days
    for i, day in enumerate(days):
        truth, summary = sandbox.truth(day), xcom(dr, "run", i)
        assert (summary["partition"], summary["status"], summary["exit_code"]) == (day, "done", 0)
        assert (summary["records"], summary["pages"]) == (len(truth), pages(len(truth)))
        assert sluice_db.sink_rows("e2e_clean_orders", day) == truth
        assert sandbox.requests(day) == summary["pages"]  # one request per page: nothing fetched twice
        [attempt] = sluice_db.attempts("e2e_clean", day)
        assert [attempt[k] for k in ("dag_id", "run_id", "try_number", "map_index", "status")] == [
            "sluice_e2e_clean", dr.run_id, 1, i, "done"]
    assert len({len(sandbox.truth(day)) for day in days}) > 1  # partitions differ in size: no lucky constant


def test_a_second_run_of_complete_partitions_calls_nothing_and_changes_nothing(sandbox, sluice_db, real_env, jobs):
    days = ["2026-11-07", "2026-11-08"]
    first = parse_dags()["sluice_e2e_clean"].test(logical_date=None, run_conf={"partitions": days})
    before = {day: (sandbox.requests(day), sluice_db.sink_rows("e2e_clean_orders", day)) for day in days}
    again = parse_dags()["sluice_e2e_clean"].test(logical_date=None, run_conf={"partitions": days})

    assert (first.state, again.state) == ("success", "success")
    assert [xcom(again, "run", i)["status"] for i in range(2)] == ["already_complete"] * 2
    assert {day: (sandbox.requests(day), sluice_db.sink_rows("e2e_clean_orders", day)) for day in days} == before
    assert before["2026-11-07"][1] == sandbox.truth("2026-11-07")


def test_a_partition_failing_after_two_pages_resumes_from_its_watermark_on_the_airflow_retry(
        dags, sandbox, sluice_db, real_env, jobs, capfd):
    ok, flaky = "2026-11-10", "2026-11-11"
    sandbox.configure(fail_at={flaky: "2+1"})  # pages 1-2 served, the request for page 3 fails once
    dr = dags["sluice_e2e_resume"].test(logical_date=None, run_conf={"partitions": [ok, flaky]})

    assert dr.state == "success"
    ti = tis(dr)
    assert (ti[("run", 0)].try_number, ti[("run", 1)].try_number) == (1, 2)
    truth = sandbox.truth(flaky)
    assert len(truth) > 2 * PAGE
    # Try 1 committed pages 1-2, then stopped (exit 75) with its watermark at record 200.
    stopped, resumed_logged = summaries(capfd.readouterr().out, "e2e_resume", flaky)
    assert (stopped["status"], stopped["pages"], stopped["records"]) == ("retry_later", 2, 2 * PAGE)
    assert cursor_offset(stopped["watermark"]) == 2 * PAGE
    # Try 2 started there: one more page, the rest of the records.
    resumed = xcom(dr, "run", 1)
    assert resumed == resumed_logged
    assert (resumed["status"], resumed["pages"], resumed["records"]) == ("done", 1, len(truth) - 2 * PAGE)
    assert (stopped["epoch"], resumed["epoch"]) == (1, 2)
    first, second = sluice_db.attempts("e2e_resume", flaky)
    assert [first[k] for k in ("epoch", "try_number", "exit_code", "pages", "records")] == [1, 1, 75, 2, 200]
    assert (second["epoch"], second["try_number"], second["exit_code"], second["pages"]) == (2, 2, 0, 1)
    assert first["pages"] + second["pages"] == pages(len(truth))
    # Every row once, exactly as served; rows 1-200 written by epoch 1 and never rewritten.
    assert sluice_db.sink_rows("e2e_resume_orders", flaky) == truth
    by_epoch = sluice_db.query("SELECT _sluice_attempt AS epoch, count(*) AS n FROM e2e_resume_orders "
                               "WHERE _sluice_partition = %s GROUP BY 1 ORDER BY 1", flaky)
    assert by_epoch == [{"epoch": 1, "n": 2 * PAGE}, {"epoch": 2, "n": len(truth) - 2 * PAGE}]
    assert sandbox.requests(flaky) == 4  # page 1, page 2, the failure, page 3: no page fetched twice
    code, status = sluice("status", "--job", str(jobs["resume"]), "--partition", flaky, env=real_env)
    [state] = status["partitions"]
    assert (code, state["state"], state["attempts"], state["pages"], state["records"]) == (0, "done", 2, 3, len(truth))
    assert sluice_db.sink_rows("e2e_resume_orders", ok) == sandbox.truth(ok)


def test_a_spec_error_fails_the_plan_once_without_retry(dags, sluice_db, real_env, jobs, capfd):
    dr = dags["sluice_e2e_bad_spec"].test(logical_date=None, run_conf={"partitions": ["2026-11-12"]})

    assert dr.state == "failed"
    ti = tis(dr)
    assert (ti[("plan", -1)].state, ti[("plan", -1)].try_number) == ("failed", 1)  # retries: 2, yet one try
    assert ti[("run", -1)].state == "upstream_failed"
    log = capfd.readouterr().out
    bad = jobs["bad_spec"]
    assert "AirflowFailException: sluice plan e2e_bad_spec exited 78 (configuration error, not retried): " \
           f"job spec {bad} is invalid: sink.columns.amount.type = \"money_bags\" ({bad}:" in log
    assert not sluice_db.table_exists("e2e_bad_spec_orders")


def test_a_data_error_fails_the_partition_once_and_commits_nothing(dags, sandbox, sluice_db, real_env, jobs, capfd):
    day = "2026-11-13"
    dr = dags["sluice_e2e_bad_data"].test(logical_date=None, run_conf={"partitions": [day]})

    assert dr.state == "failed"
    run = tis(dr)[("run", 0)]
    assert (run.state, run.try_number) == ("failed", 1)
    assert f"sluice run e2e_bad_data {day} exited 65 (data error, not retried): " in capfd.readouterr().out
    [attempt] = sluice_db.attempts("e2e_bad_data", day)
    assert (attempt["exit_code"], attempt["pages"], attempt["records"]) == (65, 0, 0)
    assert sluice_db.query("SELECT count(*) AS n FROM e2e_bad_data_orders") == [{"n": 0}]
    assert sandbox.requests(day) == 1


def test_a_used_up_quota_reschedules_the_partition_at_resume_at_without_spending_a_retry(
        dags, sandbox, sluice_db, real_env, jobs, capfd):
    """Three pages (100 records each), one permit per period: the run cannot finish in one go whatever the timing
    (a permit for the third page is at least a period away). Each stop reschedules the task at
    the quota's refill; the try number stays 1 and every attempt resumes where the last stopped."""
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session
    from sqlalchemy import select

    day = "2026-11-14"
    dr = dags["sluice_e2e_quota"].test(logical_date=None, run_conf={"partitions": [day]})

    assert dr.state == "success"  # with retries: 0, one retry would have failed the run
    run = tis(dr)[("run", 0)]
    assert run.try_number == 1
    *stops, done = summaries(capfd.readouterr().out, "e2e_quota", day)
    assert stops and all(s["exit_code"] == 75 and s["resume_at"] for s in stops)
    resume_ats = [datetime.fromisoformat(s["resume_at"].replace("Z", "+00:00")) for s in stops]
    assert all(r.timestamp() % QUOTA_PERIOD < 0.5 for r in resume_ats)  # the quota's next refill
    with create_session() as session:
        reschedules = session.scalars(select(TaskReschedule).where(TaskReschedule.ti_id == run.id)
                                      .order_by(TaskReschedule.id)).all()
    assert [r.reschedule_date for r in reschedules] == resume_ats
    assert done == xcom(dr, "run", 0) and done["status"] == "done"
    assert sum(s["pages"] for s in (*stops, done)) == 3 == sum(s["api_calls"] for s in (*stops, done))
    attempts = sluice_db.attempts("e2e_quota", day)
    assert [(a["try_number"], a["exit_code"]) for a in attempts] == [(1, 75)] * len(stops) + [(1, 0)]
    assert all(a["started_at"] >= r for a, r in zip(attempts[1:], resume_ats, strict=True))
    assert sluice_db.sink_rows("e2e_quota_orders", day) == sandbox.truth(day)
    assert sandbox.requests(day) == 3  # no call went out without a permit, none was repeated


def summaries(task_logs: str, job: str, partition: str) -> list[dict]:
    """The runner summaries of one partition, in order, as the task logs show them (dag.test()
    logs every try to stdout; each stdout line of the runner is one log line)."""
    found = []
    for line in task_logs.splitlines():
        start = line.find(json.dumps({"job": job, "partition": partition}, separators=(",", ":"))[:-1])
        if start >= 0:
            found.append(json.loads(line[start:line.rindex("}") + 1]))
    return found


def test_a_breaker_that_stays_open_fails_the_partition_once_past_reschedule_timeout(
        dags, sandbox, sluice_db, real_env, jobs, capfd):
    """A long outage: every request of the partition fails. The first failed call opens the shared
    breaker (for 2 s) and its retry finds it open: exit 75 with resume_at = when a probe is next
    allowed. Each rescheduled attempt probes, fails and reopens it. Airflow reschedules the
    partition (same try, no retry) until a resume_at would pass reschedule_timeout (15 s after the
    try first ran, room for a slow first start on a loaded machine), then fails it with the
    runner's message."""
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session
    from sqlalchemy import select

    day = "2026-11-15"
    sandbox.configure(fail_at={day: "0+1000"})
    dr = dags["sluice_e2e_outage"].test(logical_date=None, run_conf={"partitions": [day]})

    assert dr.state == "failed"  # with retries: 0 and an outage that never ends
    run = tis(dr)[("run", 0)]
    assert (run.state, run.try_number) == ("failed", 1)
    log = capfd.readouterr().out
    runs = summaries(log, "e2e_outage", day)
    assert len(runs) >= 2 and all(s["exit_code"] == 75 and s["resume_at"] and s["records"] == 0 for s in runs)
    with create_session() as session:
        reschedules = session.scalars(select(TaskReschedule).where(TaskReschedule.ti_id == run.id)
                                      .order_by(TaskReschedule.id)).all()
    assert [r.reschedule_date for r in reschedules] == [
        datetime.fromisoformat(s["resume_at"].replace("Z", "+00:00")) for s in runs[:-1]]
    bound = reschedules[0].start_date + timedelta(seconds=15)
    assert all(r.reschedule_date <= bound for r in reschedules)
    assert datetime.fromisoformat(runs[-1]["resume_at"].replace("Z", "+00:00")) > bound  # the wait it refused
    assert f"WaitedTooLong: sluice run e2e_outage {day} stopped waiting after " in log
    assert "(the breaker of shop-api is open after repeated failures" in log
    assert "past airflow.reschedule_timeout = 15s" in log
    assert [(a["try_number"], a["exit_code"]) for a in sluice_db.attempts("e2e_outage", day)] == [(1, 75)] * len(runs)
    assert sluice_db.query("SELECT count(*) AS n FROM e2e_outage_orders") == [{"n": 0}]


def test_a_spec_edited_after_parsing_is_refused_by_the_runner_and_fails_without_retry(
        dags, sluice_db, real_env, jobs, monkeypatch, capfd):
    """The acceptance test of "one spec, one truth": the DAG passes the SHA-256 of the bytes it
    parsed; the real runner, reading the file as it is now, refuses with exit 78 before any write.
    Needs a runner with --spec-sha256 (the real launcher, never the test shim)."""
    monkeypatch.delenv("SLUICE_BIN", raising=False)
    spec = jobs["edited"]
    parsed = spec.read_bytes()
    try:
        spec.write_bytes(parsed.replace(b"max_attempts: 1", b"max_attempts: 2"))
        dr = dags["sluice_e2e_edited"].test(logical_date=None, run_conf={"partitions": ["2026-11-16"]})
    finally:
        spec.write_bytes(parsed)

    assert dr.state == "failed"
    plan = tis(dr)[("plan", -1)]
    assert (plan.state, plan.try_number) == ("failed", 1)  # retries: 2, yet one try
    log = capfd.readouterr().out
    assert "sluice plan e2e_edited exited 78 (configuration error, not retried): " in log
    failure = log[log.index("sluice plan e2e_edited exited 78"):].splitlines()[0]
    assert str(spec) in failure and hashlib.sha256(parsed).hexdigest()[:7] in failure and "differs" in failure
    assert not sluice_db.table_exists("e2e_edited_orders")
