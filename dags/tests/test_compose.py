"""docker-compose.yml as compose resolves it (``docker compose config``, else Debian's
``docker-compose``): one spec, one truth (every runner container gets the ``dags/jobs`` the DAGs
parsed, mounted over the image's copy), and images built from the sources alone.

Needs no engine, only the compose CLI; without one every test here is SKIPPED with the reason
(``REQUIRE_DOCKER=1`` makes that a failure), never passed.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from test_backends import FakeDocker, context, docker, inspected, operator

from conftest import DAGS

REPO = DAGS.parent
SCHEDULER_DAGS = "/opt/airflow/dags"  # where the compose scheduler (LocalExecutor: it runs the tasks) parses


def compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def resolve(**settings: str) -> dict:
    """The file as compose resolves it with the celery profile on, the defaults a fresh clone gets
    (no .env, no SLUICE_* overrides) plus ``settings``."""
    cli = compose_cli()
    if cli is None:
        message = "NO COMPOSE CLI (neither 'docker compose' nor 'docker-compose'): docker-compose.yml not checked"
        if os.environ.get("REQUIRE_DOCKER"):
            pytest.fail(message + " (REQUIRE_DOCKER is set)")
        pytest.skip(message)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLUICE_", "AIRFLOW_", "COMPOSE_"))}
    out = subprocess.run([*cli, "--profile", "celery", "-f", str(REPO / "docker-compose.yml"),
                          "--project-directory", str(REPO), "config"],
                         cwd=REPO, env={**env, **settings}, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)["services"]


@pytest.fixture(scope="module")
def compose():
    return resolve()


@pytest.fixture(scope="module")
def celery_compose():
    return resolve(SLUICE_EXECUTOR="CeleryExecutor")


CELERY = ("redis", "airflow-worker-1", "airflow-worker-2", "flower")
WORKERS = ("airflow-worker-1", "airflow-worker-2")


def bind_mounts(service: dict) -> list[dict]:
    """Volumes as ``docker inspect`` lists a container's mounts (compose v1 prints short strings,
    v2 long dicts)."""
    mounts = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target, *_ = volume.split(":")
            kind = "bind" if source.startswith("/") else "volume"
        else:
            source, target, kind = volume.get("source", ""), volume["target"], volume["type"]
        mounts.append({"Type": kind, "Source": source, "Destination": target})
    return mounts


@pytest.mark.parametrize("runs_tasks", ["airflow-scheduler", *WORKERS])
def test_runner_containers_get_the_dag_folders_specs_mounted_by_default(compose, monkeypatch, runs_tasks):
    scheduler = compose[runs_tasks]  # LocalExecutor: the scheduler; CeleryExecutor: each worker
    env = scheduler["environment"]
    assert (env["SLUICE_BACKEND"], env["SLUICE_DOCKER_JOBS_SOURCE"]) == ("docker", "auto")
    for name in ("SLUICE_IMAGE", "SLUICE_DOCKER_NETWORK", "SLUICE_DOCKER_JOBS_SOURCE"):
        monkeypatch.setenv(name, env[name])
    # The scheduler's own container, as the engine describes it to the task at run time.
    fake = docker(monkeypatch, inspected(FakeDocker(), bind_mounts(scheduler)))
    op = operator("docker")
    op.parsed_jobs_dir = f"{SCHEDULER_DAGS}/jobs"  # the scheduler parsed the specs in its ./dags mount
    op.execute(context())

    [mount] = fake.calls["host_config"]["mounts"]
    assert (mount["Source"], mount["Target"], mount["ReadOnly"], mount["Type"]) == (
        str(REPO / "dags" / "jobs"), "/opt/sluice/jobs", True, "bind")
    create = fake.calls["create"]
    assert create["image"] == compose["sluice-migrate"]["image"]  # the runner image compose builds
    assert "--spec-sha256" in create["command"]  # and a copy that differs is refused (78)


def test_the_images_build_from_the_sources_without_host_build_outputs(compose):
    migrate, sandbox = compose["sluice-migrate"], compose["sandbox"]
    for service, target in ((migrate, "runner"), (sandbox, "sandbox")):
        build = service["build"]
        assert (Path(build["context"]), build["dockerfile"], build["target"]) == (
            REPO, "task-runner/Dockerfile", target)
        assert build.get("network") == "host"  # the build stage reaches Maven Central without a bridge
        assert set(build["args"]) == {"BASE_IMAGE", "BUILD_IMAGE"}
    assert compose["airflow-scheduler"]["environment"]["SLUICE_IMAGE"] == migrate["image"] != sandbox["image"]
    for name, service in compose.items():
        sources = [m["Source"] for m in bind_mounts(service)]
        assert not [s for s in sources if "/target" in s], f"{name} mounts a host build output: {sources}"


def test_the_celery_profile_adds_a_broker_two_workers_and_flower_and_nothing_else_needs_it(compose):
    for name in CELERY:
        assert compose[name].get("profiles") == ["celery"], name
    for name, service in compose.items():
        if name not in CELERY:
            assert not service.get("profiles"), f"{name} would not start with a plain `docker compose up`"
            assert "redis" not in service.get("depends_on", {}), name
    assert compose["airflow-scheduler"]["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"  # the default
    assert compose["flower"]["command"] in (["celery", "flower"], "celery flower")
    assert compose["flower"]["ports"]


def test_with_the_celery_executor_every_airflow_service_uses_the_broker(celery_compose):
    airflow = [n for n, s in celery_compose.items() if s.get("image", "").startswith("apache/airflow")]
    assert set(WORKERS) | {"airflow-scheduler", "airflow-apiserver", "flower"} <= set(airflow)
    for name in airflow:
        env = celery_compose[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://redis:6379/0", name
    for name in WORKERS:
        assert celery_compose[name]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_two_workers_present_different_names_and_share_one_image_dags_and_database(compose):
    one, two = (compose[n] for n in WORKERS)
    assert one["environment"]["SLUICE_WORKER_NAME"] != two["environment"]["SLUICE_WORKER_NAME"]
    assert one["image"] == two["image"] == compose["airflow-scheduler"]["image"]
    shared = ("SLUICE_IMAGE", "SLUICE_DB_URL", "SLUICE_SANDBOX_URL", "SLUICE_CELERY_QUEUES")
    assert {k: one["environment"][k] for k in shared} == {k: two["environment"][k] for k in shared}
    assert one["environment"]["SLUICE_CELERY_QUEUES"] == "default"  # Airflow's default queue
    for worker in (one, two):
        targets = {m["Destination"] for m in bind_mounts(worker)}
        assert {"/opt/airflow/dags", "/var/run/docker.sock"} <= targets


@pytest.mark.parametrize("executor, code, says", [
    ("LocalExecutor", 78, "set SLUICE_EXECUTOR=CeleryExecutor"),
    ("CeleryExecutor", 127, "/entrypoint"),  # the guard passes; this machine has no image entrypoint
])
def test_a_worker_refuses_to_start_unless_the_executor_is_celery(compose, executor, code, says):
    script = compose["airflow-worker-1"]["command"][-1].replace("$$", "$")  # config keeps compose's escape
    env = {"PATH": os.environ["PATH"], "AIRFLOW__CORE__EXECUTOR": executor, "SLUICE_WORKER_NAME": "worker-1"}
    out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == code and says in out.stderr, out.stderr

def test_the_admin_server_runs_sluice_serve_on_the_shared_database_and_run_tasks_link_to_it(compose):
    admin = compose["sluice-admin"]
    assert admin["image"] == compose["sluice-migrate"]["image"]  # the runner image: serve is a runner command
    assert admin["command"][:1] == ["serve"] and "0.0.0.0" in admin["command"]
    env = admin["environment"]
    assert env["SLUICE_DB_URL"] == compose["sluice-migrate"]["environment"]["SLUICE_DB_URL"]
    assert "SLUICE_ADMIN_TOKEN" in env  # empty by default: read-only until .env sets one
    assert "sluice-migrate" in admin["depends_on"]
    ports = admin["ports"][0]
    published = ports if isinstance(ports, str) else f"{ports.get('host_ip')}:{ports['published']}:{ports['target']}"
    assert published.split("/")[0].endswith("8090:8090")
    assert compose["airflow-scheduler"]["environment"]["SLUICE_ADMIN_URL"] == "http://localhost:8090"
