"""Whole DAG runs with ``dag.test()`` on the subprocess backend, ``fake_sluice.py`` as the runner.

The DAG folder is a copy of ``dags/sluice_jobs.py`` with the example orders spec (switched to
the subprocess backend) plus two small specs with short retry delays. test_e2e_runner repeats
the main paths with the real runner.
"""

import hashlib
import json
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from conftest import DAGS, E2E_DAGS, HOME, parse_dags, tis, write_spec, xcom

PASSWORD, TOKEN = "pw-e2e-s3cret-77", "tok-e2e-s3cret-77"
FAST = "  owner: qa\n  backend: subprocess\n  retry_delay: 1s\n  max_retry_delay: 2s\n  secrets: [SHOP_API_TOKEN]\n"


@pytest.fixture(scope="module")
def dag_folder(e2e_folder):
    jobs = e2e_folder / "jobs"
    (jobs / "orders.yaml").write_text((DAGS / "jobs" / "orders.yaml").read_text() + "  backend: subprocess\n")
    write_spec(jobs, "flaky", FAST + "  retries: 2\n")
    write_spec(jobs, "quota", FAST + "  retries: 0\n")
    write_spec(jobs, "outage", FAST + "  retries: 2\n  reschedule_timeout: 8s\n")
    write_spec(jobs, "edited", FAST + "  retries: 2\n")
    return e2e_folder


@pytest.fixture
def dags(dag_folder):
    return parse_dags(dag_folder)


@pytest.fixture
def runner(monkeypatch, tmp_path):
    """The fake runner as SLUICE_BIN; returns a function reading the calls it recorded."""
    launcher = tmp_path / "sluice"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {DAGS / 'tests' / 'fake_sluice.py'} \"$@\"\n")
    launcher.chmod(0o755)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("SLUICE_BIN", str(launcher))
    monkeypatch.setenv("SLUICE_FAKE_LOG", str(log))
    monkeypatch.setenv("SLUICE_FAKE_RESUME_S", "2")
    monkeypatch.setenv("AIRFLOW_CONN_SLUICE_DB", f"postgresql://sluice:{PASSWORD}@pg.internal:5432/sluice")
    monkeypatch.setenv("SHOP_API_TOKEN", TOKEN)
    return lambda: [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def script(monkeypatch, codes):
    monkeypatch.setenv("SLUICE_FAKE_SCRIPT", json.dumps(codes))


def test_manual_run_with_dates_plans_the_window_and_runs_each_partition(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [0]})
    dr = dags["sluice_orders"].test(logical_date=None, run_conf={"start_date": "2026-11-01", "end_date": "2026-11-02"})
    assert dr.state == "success"
    ti = tis(dr)
    assert [ti[("run", i)].rendered_map_index for i in (0, 1)] == ["2026-11-01", "2026-11-02"]
    assert xcom(dr, "plan") == ["2026-11-01", "2026-11-02"]
    assert xcom(dr, "run", 1)["partition"] == "2026-11-02" and xcom(dr, "run", 1)["status"] == "done"
    plan, *runs = runner()
    spec = E2E_DAGS / "jobs" / "orders.yaml"
    assert plan["argv"] == ["plan", "--job", str(spec), "--spec-sha256", hashlib.sha256(spec.read_bytes()).hexdigest(),
                            "--from", "2026-11-01", "--to", "2026-11-03"]
    assert sorted(r["argv"][-1] for r in runs) == ["2026-11-01", "2026-11-02"]
    env = runs[0]["env"]
    assert env["AIRFLOW_CTX_DAG_ID"] == "sluice_orders" and env["AIRFLOW_CTX_DAG_RUN_ID"] == dr.run_id
    assert env["AIRFLOW_CTX_TRY_NUMBER"] == "1" and env["SLUICE_DB_URL"] == "jdbc:postgresql://pg.internal:5432/sluice"
    assert runs[0]["secret_sha256"] == {"SLUICE_DB_PASSWORD": hashlib.sha256(PASSWORD.encode()).hexdigest(),
                                        "SHOP_API_TOKEN": hashlib.sha256(TOKEN.encode()).hexdigest()}


def test_secrets_reach_the_runner_but_no_log_xcom_or_rendered_field(dags, runner, monkeypatch, capfd):
    script(monkeypatch, {"*": [0]})
    dr = dags["sluice_orders"].test(logical_date=None, run_conf={"partitions": ["2026-11-05"]})
    assert dr.state == "success" and runner()[-1]["secret_sha256"].keys() == {"SLUICE_DB_PASSWORD", "SHOP_API_TOKEN"}
    out = capfd.readouterr()
    logs = out.out + out.err + "".join(p.read_text(errors="replace") for p in (HOME / "logs").rglob("*") if p.is_file())
    assert "2026-11-05" in logs  # the task logs were captured ...
    assert PASSWORD not in logs and TOKEN not in logs  # ... without a secret
    from airflow.models.renderedtifields import RenderedTaskInstanceFields as RTIF
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        stored = [str(r.rendered_fields) for r in session.scalars(select(RTIF).where(RTIF.run_id == dr.run_id))]
        stored += [str(x.value) for x in session.scalars(select(XComModel).where(XComModel.run_id == dr.run_id))]
    assert stored and not any(PASSWORD in s or TOKEN in s for s in stored)


def test_manual_run_without_logical_date_plans_the_day_before_run_after(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [0]})
    dr = dags["sluice_orders"].test(logical_date=None)
    assert dr.state == "success" and dr.logical_date is None
    today = dr.run_after.astimezone(UTC).date()
    assert runner()[0]["argv"][-4:] == ["--from", str(today - timedelta(days=1)), "--to", str(today)]


def test_run_with_a_logical_date_plans_its_data_interval(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [0]})
    dr = dags["sluice_orders"].test(logical_date=datetime(2026, 11, 5, 2, tzinfo=UTC))
    assert dr.state == "success"
    assert runner()[0]["argv"][-4:] == ["--from", "2026-11-04", "--to", "2026-11-05"]
    assert (dr.data_interval_start.day, dr.data_interval_end.day) == (4, 5)


def test_explicit_partitions_and_force_reach_the_runner(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [0]})
    conf = {"partitions": ["2026-11-03", "2026-11-09"], "force": True}
    dr = dags["sluice_orders"].test(logical_date=None, run_conf=conf)
    assert dr.state == "success"
    plan, *runs = runner()
    assert plan["argv"][-2:] == ["--partitions", "2026-11-03,2026-11-09"]
    assert all(r["argv"][-1] == "--force" for r in runs) and len(runs) == 2


def test_invalid_params_fail_the_plan_without_calling_the_runner_or_retrying(dags, runner, monkeypatch):
    dr = dags["sluice_flaky"].test(logical_date=None, run_conf={"start_date": "2026-11-03"})
    assert dr.state == "failed"
    plan = tis(dr)[("plan", -1)]
    assert (plan.state, plan.try_number) == ("failed", 1)
    assert runner() == []


def test_configuration_error_fails_the_partition_without_retry(dags, runner, monkeypatch):
    script(monkeypatch, {"2026-11-02": [78], "*": [0]})
    dr = dags["sluice_flaky"].test(logical_date=None, run_conf={"partitions": ["2026-11-01", "2026-11-02"]})
    assert dr.state == "failed"
    ti = tis(dr)
    assert (ti[("run", 0)].state, ti[("run", 1)].state, ti[("run", 1)].try_number) == ("success", "failed", 1)
    assert [r["argv"][-1] for r in runner()].count("2026-11-02") == 1


def test_temporary_failure_is_retried_by_airflow(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [75, 70, 0]})
    dr = dags["sluice_flaky"].test(logical_date=None, run_conf={"partitions": ["2026-11-01"]})
    assert dr.state == "success"
    assert tis(dr)[("run", 0)].try_number == 3
    assert [r["env"]["AIRFLOW_CTX_TRY_NUMBER"] for r in runner()[1:]] == ["1", "2", "3"]


def test_quota_exhausted_waits_until_resume_at_without_spending_a_retry(dags, runner, monkeypatch):
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session

    script(monkeypatch, {"*": ["75r", 0]})
    start = time.monotonic()
    dr = dags["sluice_quota"].test(logical_date=None, run_conf={"partitions": ["2026-11-01"]})
    assert dr.state == "success"  # with retries: 0, a retry would have failed the run
    run = tis(dr)[("run", 0)]
    assert run.try_number == 1 and time.monotonic() - start >= 2
    with create_session() as session:
        [reschedule] = session.scalars(select(TaskReschedule).where(TaskReschedule.ti_id == run.id)).all()
    first_call = runner()[1]
    assert first_call["env"]["AIRFLOW_CTX_TRY_NUMBER"] == "1" and runner()[2]["env"]["AIRFLOW_CTX_TRY_NUMBER"] == "1"
    assert reschedule.reschedule_date > reschedule.start_date


def test_backfill_runs_each_plan_their_own_interval(dags, runner):
    from airflow.models.backfill import ReprocessBehavior, _create_backfill
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunType

    utc = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    _create_backfill(dag_id="sluice_orders", from_date=utc(2026, 11, 1), to_date=utc(2026, 11, 3),
                     max_active_runs=2, reverse=False, dag_run_conf={"force": True}, triggering_user_name="test",
                     reprocess_behavior=ReprocessBehavior.COMPLETED)
    plan = dags["sluice_orders"].task_dict["plan"]
    with create_session() as session:
        runs = session.scalars(select(DagRun).where(DagRun.dag_id == "sluice_orders",
                                                    DagRun.run_type == DagRunType.BACKFILL_JOB)
                               .order_by(DagRun.logical_date)).all()
        windows = [plan.sluice_args({"params": dr.conf, "dag_run": dr, "data_interval_start": dr.data_interval_start,
                                     "data_interval_end": dr.data_interval_end})[-4:] for dr in runs]
        assert all(dr.conf == {"force": True} for dr in runs)
    # Runs whose logical date (02:00, the start of each data interval) falls in [from, to]:
    # Nov 1 02:00 and Nov 2 02:00; Nov 3 02:00 is after --to-date 2026-11-03 (midnight).
    assert windows == [["--from", "2026-11-01", "--to", "2026-11-02"], ["--from", "2026-11-02", "--to", "2026-11-03"]]


def test_a_partition_told_to_wait_again_and_again_fails_once_past_reschedule_timeout_without_retry(
        dags, runner, monkeypatch, capfd):
    """An API that stays down: every attempt exits 75 with resume_at 1 s later (an open breaker);
    reschedule_timeout is 8 s (room for a slow first start on a loaded machine). The task is
    rescheduled (same try) until the next resume_at would be past 8 s after the try first ran,
    then fails without spending its 2 retries."""
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session

    script(monkeypatch, {"*": ["75r"] * 20 + [0]})  # without the bound: success after 20 waits
    monkeypatch.setenv("SLUICE_FAKE_RESUME_S", "1")
    dr = dags["sluice_outage"].test(logical_date=None, run_conf={"partitions": ["2026-11-01"]})

    assert dr.state == "failed"
    run = tis(dr)[("run", 0)]
    assert (run.state, run.try_number) == ("failed", 1)
    calls = [c for c in runner() if c["argv"][0] == "run"]
    assert len(calls) >= 2 and {c["env"]["AIRFLOW_CTX_TRY_NUMBER"] for c in calls} == {"1"}
    with create_session() as session:
        reschedules = session.scalars(select(TaskReschedule).where(TaskReschedule.ti_id == run.id)
                                      .order_by(TaskReschedule.id)).all()
    assert len(reschedules) == len(calls) - 1  # every call but the last was followed by a reschedule
    first_start = reschedules[0].start_date
    assert all(r.reschedule_date <= first_start + timedelta(seconds=8) for r in reschedules)
    log = capfd.readouterr().out
    assert "WaitedTooLong: sluice run outage 2026-11-01 stopped waiting after " in log
    assert "(scripted exit 75r) asking to resume at " in log and "past airflow.reschedule_timeout = 8s" in log
    assert "Failed, not retried: clear the task" in log


def test_a_spec_edited_after_parsing_is_refused_by_the_runner_and_fails_without_retry(dags, runner, monkeypatch, capfd):
    """The DAG passes the SHA-256 of the bytes it parsed; the runner reads the file as it is now."""
    spec = E2E_DAGS / "jobs" / "edited.yaml"
    parsed = spec.read_bytes()
    try:
        spec.write_bytes(parsed.replace(b"retry_delay: 1s", b"retry_delay: 2s"))
        dr = dags["sluice_edited"].test(logical_date=None, run_conf={"partitions": ["2026-11-01"]})
    finally:
        spec.write_bytes(parsed)

    assert dr.state == "failed"
    plan = tis(dr)[("plan", -1)]
    assert (plan.state, plan.try_number) == ("failed", 1)  # retries: 2, yet one try
    [call] = runner()
    assert call["argv"][2:5] == [str(spec), "--spec-sha256", hashlib.sha256(parsed).hexdigest()]
    assert "sluice plan edited exited 78 (configuration error, not retried): job spec " in capfd.readouterr().out


def test_run_tasks_link_to_their_partition_on_the_admin_page(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [0]})
    monkeypatch.setenv("SLUICE_ADMIN_URL", "http://admin.internal:8090/")
    dr = dags["sluice_orders"].test(logical_date=None, run_conf={"partitions": ["2026-11-04", "2026-11-05"]})
    assert dr.state == "success"
    links = {i: link(dr, "run", i) for i in (0, 1)}
    assert links == {0: "http://admin.internal:8090/#job=orders&partition=2026-11-04",
                     1: "http://admin.internal:8090/#job=orders&partition=2026-11-05"}
    assert link(dr, "plan") in (None, "")  # the plan task has no partition to show


def test_without_an_admin_url_run_tasks_show_no_link(dags, runner, monkeypatch):
    script(monkeypatch, {"*": [0]})
    monkeypatch.delenv("SLUICE_ADMIN_URL", raising=False)
    dr = dags["sluice_orders"].test(logical_date=None, run_conf={"partitions": ["2026-11-06"]})
    assert dr.state == "success" and link(dr, "run", 0) in (None, "")


def link(dag_run, task_id: str, map_index: int = -1):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.scalar(select(XComModel).where(
            XComModel.run_id == dag_run.run_id, XComModel.dag_id == dag_run.dag_id, XComModel.task_id == task_id,
            XComModel.map_index == map_index, XComModel.key == "_link_SluiceAdminLink"))
        if row is None or not isinstance(row.value, str) or not row.value.startswith('"'):
            return None if row is None else row.value
        return json.loads(row.value)
