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


@pytest.fixture(scope="module")
def compose():
    """The resolved file, with the defaults a fresh clone gets (no .env, no SLUICE_* overrides)."""
    cli = compose_cli()
    if cli is None:
        message = "NO COMPOSE CLI (neither 'docker compose' nor 'docker-compose'): docker-compose.yml not checked"
        if os.environ.get("REQUIRE_DOCKER"):
            pytest.fail(message + " (REQUIRE_DOCKER is set)")
        pytest.skip(message)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLUICE_", "AIRFLOW_", "COMPOSE_"))}
    out = subprocess.run([*cli, "-f", str(REPO / "docker-compose.yml"), "--project-directory", str(REPO), "config"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)["services"]


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


def test_runner_containers_get_the_dag_folders_specs_mounted_by_default(compose, monkeypatch):
    scheduler = compose["airflow-scheduler"]
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
