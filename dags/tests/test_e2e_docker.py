"""Whole DAG runs with ``dag.test()`` on the docker backend: ``DockerOperator`` starts one
container of the runner image per plan and per partition, on a real Docker engine.

The engine comes from ``scripts/docker-engine`` (installs and starts dockerd where it can, as
root), the image from ``make image`` (tag ``sluice-task-runner:dags-e2e``, so the default tag is
left alone), unless ``SLUICE_E2E_IMAGE`` names one to use as it is. Containers use the host
network, where the session's PostgreSQL and sandbox listen; the test's specs are bind-mounted
over the image's ``/opt/sluice/jobs`` (``SLUICE_DOCKER_JOBS_SOURCE``).

Without an engine every test here is SKIPPED with the reason (``REQUIRE_DOCKER=1`` makes that a
failure instead), never passed; the session ends with a banner saying so.
"""

import os
import socket
import subprocess
import threading
import time

import pytest
from airflow.sdk.bases.operator import ExecutorSafeguard
from test_backends import context, operator
from test_e2e_runner import AIRFLOW, RUNNER, example_sink, pages, summaries

from conftest import HOME, parse_dags, tis, xcom
from real_sluice import REPO, write_job

pytestmark = pytest.mark.docker
DEFAULT_IMAGE = "sluice-task-runner:dags-e2e"
DOCKER = {**AIRFLOW, "backend": "docker"}


@pytest.fixture(scope="module")
def image():
    engine = subprocess.run([str(REPO / "scripts" / "docker-engine")], capture_output=True, text=True, timeout=900)
    if engine.returncode != 0:
        reason = (engine.stdout.strip().splitlines() or [engine.stderr.strip()])[-1]
        message = f"NO DOCKER ENGINE, the DockerOperator end-to-end tests did not run: {reason}"
        if os.environ.get("REQUIRE_DOCKER"):
            pytest.fail(message + " (REQUIRE_DOCKER is set)")
        pytest.skip(message)
    tag = os.environ.get("SLUICE_E2E_IMAGE")
    if not tag:
        tag = DEFAULT_IMAGE
        started = time.monotonic()
        build = subprocess.run(["make", "--no-print-directory", "image", f"IMAGE={tag}"], cwd=REPO,
                               capture_output=True, text=True, timeout=1800)
        assert build.returncode == 0, f"make image failed:\n{build.stdout[-3000:]}\n{build.stderr[-3000:]}"
        print(f"image {tag} ready in {time.monotonic() - started:.0f}s")
    return tag


@pytest.fixture(scope="module")
def jobs(image, e2e_folder):
    folder = e2e_folder / "jobs"
    specs = {"docker": write_job(folder, "e2e_docker", DOCKER, **RUNNER),
             "docker_bad_spec": write_job(folder, "e2e_docker_bad_spec", DOCKER,
                                          sink=example_sink(amount="money_bags"), **RUNNER)}
    for path in (HOME, e2e_folder, folder, *folder.iterdir()):  # the container runs as uid 10001
        path.chmod(0o755 if path.is_dir() else 0o644)
    return specs


@pytest.fixture
def dags(jobs, image, real_env, monkeypatch):
    """The DAGs as a docker deployment parses them: image, host network, the specs mounted."""
    monkeypatch.setenv("SLUICE_IMAGE", image)
    monkeypatch.setenv("SLUICE_DOCKER_NETWORK", "host")
    monkeypatch.setenv("SLUICE_DOCKER_JOBS_SOURCE", str(jobs["docker"].parent))
    return parse_dags()


def containers() -> list[str]:
    out = subprocess.run(["docker", "ps", "-aq", "--filter", "ancestor=" + os.environ["SLUICE_IMAGE"]],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_six_partitions_run_in_containers_and_one_resumes_after_a_failure(dags, sandbox, sluice_db, capfd):
    days = [f"2026-11-2{d}" for d in range(6)]
    flaky = days[3]
    sandbox.configure(fail_at={flaky: "1+1"})  # page 1 served, the next request fails once
    started = time.monotonic()
    dr = dags["sluice_e2e_docker"].test(logical_date=None, run_conf={"start_date": days[0], "end_date": days[-1]})
    seconds = time.monotonic() - started

    assert dr.state == "success", capfd.readouterr().out[-5000:]
    print(f"docker DAG run: {len(days)} partitions in {seconds:.1f}s")
    assert xcom(dr, "plan") == days
    ti = tis(dr)
    assert [ti[("run", i)].try_number for i in range(6)] == [1, 1, 1, 2, 1, 1]
    for i, day in enumerate(days):
        truth, summary = sandbox.truth(day), xcom(dr, "run", i)
        assert summary["status"] == "done" and sluice_db.sink_rows("e2e_docker_orders", day) == truth
    stopped, resumed = summaries(capfd.readouterr().out, "e2e_docker", flaky)
    assert (stopped["exit_code"], stopped["pages"], resumed["pages"]) == (75, 1, pages(len(sandbox.truth(flaky))) - 1)
    assert [(a["try_number"], a["exit_code"]) for a in sluice_db.attempts("e2e_docker", flaky)] == [(1, 75), (2, 0)]
    assert containers() == []  # every container removed once its summary was read


def test_a_spec_error_in_the_container_fails_the_plan_without_retry(dags, sluice_db, capfd):
    dr = dags["sluice_e2e_docker_bad_spec"].test(logical_date=None, run_conf={"partitions": ["2026-11-26"]})

    assert dr.state == "failed"
    plan = tis(dr)[("plan", -1)]
    assert (plan.state, plan.try_number) == ("failed", 1)
    log = capfd.readouterr().out
    assert "sluice plan e2e_docker_bad_spec exited 78 (configuration error, not retried): job spec " \
           "/opt/sluice/jobs/e2e_docker_bad_spec.yaml is invalid: sink.columns.amount.type" in log
    assert containers() == []


@pytest.fixture
def silent_database():
    """A TCP port that accepts connections and never answers: a runner pointed at it stays in its
    first connection attempt, so its container keeps running until it is killed."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def test_a_killed_docker_task_removes_its_container_and_logs_no_not_found(image, silent_database, monkeypatch,
                                                                            caplog):
    """Issue 11 §9: Airflow kills the task (on_kill, from another thread) while its container runs; the
    container is stopped and removed once, and no "No such container" error reaches the log."""
    monkeypatch.setattr(ExecutorSafeguard, "test_mode", True)
    monkeypatch.setenv("AIRFLOW_CONN_SLUICE_DB", f"postgresql://sluice:pw@127.0.0.1:{silent_database}/sluice")
    monkeypatch.setenv("SLUICE_IMAGE", image)
    monkeypatch.setenv("SLUICE_DOCKER_NETWORK", "host")
    monkeypatch.delenv("SLUICE_DOCKER_JOBS_SOURCE", raising=False)  # the image's own copy of orders.yaml
    op = operator("docker")
    outcome: list[BaseException] = []

    def execute():
        try:
            op.execute(context())
        except BaseException as e:  # noqa: BLE001 - the outcome is asserted below
            outcome.append(e)

    before = set(containers_of(image))
    task = threading.Thread(target=execute)
    task.start()
    deadline = time.monotonic() + 120
    while not (set(containers_of(image)) - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert set(containers_of(image)) - before, "the task's container never started"
    op.on_kill()
    task.join(timeout=120)

    assert not task.is_alive()
    assert [type(e).__name__ for e in outcome] == ["RunnerFailed"], outcome
    assert "the task was killed" in str(outcome[0])
    assert set(containers_of(image)) <= before  # removed, not left behind
    logged = "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "") for r in caplog.records)
    assert "NotFound" not in logged and "No such container" not in logged, logged


def containers_of(image: str) -> list[str]:
    out = subprocess.run(["docker", "ps", "-aq", "--filter", "ancestor=" + image],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()
