"""Test setup: a throw-away AIRFLOW_HOME with SQLite, set before Airflow is imported.

The end-to-end tests run ``dag.test()`` on a DAG folder of their own (a copy of the real
``sluice_jobs.py`` plus the specs each test module writes into ``jobs/``): with ``fake_sluice.py``
as the runner (test_e2e_subprocess), or with the real runner, its embedded PostgreSQL and the
sandbox API (test_e2e_runner, test_e2e_docker; the session fixtures below start those processes).
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[1]
HOME = Path(tempfile.mkdtemp(prefix="sluice-airflow-tests-"))
E2E_DAGS = HOME / "dags"

for _name in list(os.environ):
    if (_name.startswith(("SLUICE_", "AIRFLOW_CONN_", "AIRFLOW__", "AIRFLOW_CTX_")) or _name == "SHOP_API_TOKEN") \
            and _name not in ("SLUICE_E2E_IMAGE", "SLUICE_REQUIRE_REDIS", "SLUICE_REDIS_SERVER"):  # test settings stay
        del os.environ[_name]
os.environ.update({
    "AIRFLOW_HOME": str(HOME),
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    "AIRFLOW__CORE__DAGS_FOLDER": str(E2E_DAGS),
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{HOME}/airflow.db",
})
sys.path.insert(0, str(DAGS))


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(HOME, ignore_errors=True)


RUNNER_LACKS_SPEC_SHA256: list[str] = []  # set by the real_env fixture


def pytest_terminal_summary(terminalreporter):
    """Skipped docker tests end the run with a banner: a path that did not run must not look green.
    So does a runner without --spec-sha256, which the other real-runner tests worked around."""
    if RUNNER_LACKS_SPEC_SHA256:
        terminalreporter.write_sep("*", "THE RUNNER HAS NO --spec-sha256 YET", yellow=True, bold=True)
        terminalreporter.write_line(RUNNER_LACKS_SPEC_SHA256[0])
    no_redis = [r for r in terminalreporter.stats.get("skipped", []) if "NO redis-server" in str(r.longrepr)]
    if no_redis:
        terminalreporter.write_sep("*", f"{len(no_redis)} REDIS TESTS (CELERY, EVENTS) SKIPPED: NO redis-server",
                                   yellow=True, bold=True)
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "NO DOCKER ENGINE" in str(r.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[-1]) if isinstance(skipped[0].longrepr, tuple) else str(skipped[0].longrepr)
        terminalreporter.write_sep("*", f"{len(skipped)} DOCKER END-TO-END TESTS SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(reason)


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated metadata DB (SQLite) for the tests that run DAGs."""
    from airflow.utils import db

    db.initdb()


@pytest.fixture(scope="session")
def e2e_folder(airflow_db):
    """The DAG folder of the dag.test() runs: the real DAG files; test modules add their specs to jobs/."""
    (E2E_DAGS / "jobs").mkdir(parents=True, exist_ok=True)
    for dag_file in ("sluice_jobs.py", "sluice_spec_errors.py"):
        shutil.copy(DAGS / dag_file, E2E_DAGS / dag_file)
    return E2E_DAGS


def parse_dags(folder: Path = E2E_DAGS) -> dict:
    """Freshly parsed DAGs: dag.test() runs tasks in this process, and the task runner updates
    the DAG's params with the run's conf in place, which would leak into the next run."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(folder))
    assert bag.import_errors == {}
    return bag.dags


def tis(dag_run) -> dict:
    """The run's task instances by (task_id, map_index)."""
    return {(ti.task_id, ti.map_index): ti for ti in dag_run.get_task_instances()}


def xcom(dag_run, task_id: str, map_index: int = -1):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        row = session.scalar(select(XComModel).where(
            XComModel.run_id == dag_run.run_id, XComModel.dag_id == dag_run.dag_id,
            XComModel.task_id == task_id, XComModel.map_index == map_index, XComModel.key == "return_value"))
        return json.loads(row.value) if isinstance(row.value, str) else row.value


@pytest.fixture(scope="session")
def sluice_db(tmp_path_factory):
    """`sluice db start` on a free port, for the whole session (stopped by its pid)."""
    import real_sluice

    real_sluice.require_runner()
    base = tmp_path_factory.mktemp("sluice-db")
    process = real_sluice.Foreground("db", ["db", "start", "--home", str(base / "home"), "--port", "0"], base)
    yield real_sluice.SluiceDb(process)
    process.stop()


SANDBOX_TOKEN = "e2e-sandbox-t0ken-91"


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """`sluice sandbox` on a free port: bearer auth, no rate limit, 225-275 records per partition
    (3 pages of 100), deterministic per seed; tests arm faults through its admin API."""
    import real_sluice

    real_sluice.require_runner()
    args = ["sandbox", "--port", "0", "--limit", "none", "--seed", "7", "--records-per-partition", "250",
            "--records-spread", "0.1", "--token", SANDBOX_TOKEN, "--stats-interval", "0s"]
    process = real_sluice.Foreground("sandbox", args, tmp_path_factory.mktemp("sluice-sandbox"))
    yield real_sluice.Sandbox(process)
    process.stop()


@pytest.fixture(scope="session")
def runner_launcher(tmp_path_factory):
    """None: the real launcher, task-runner/bin/sluice. A runner built before it took --spec-sha256
    gets a launcher that drops the option, and the session ends with a banner saying so."""
    import real_sluice

    real_sluice.require_runner()
    if real_sluice.takes_spec_sha256():
        return None
    RUNNER_LACKS_SPEC_SHA256.append(
        "task-runner/bin/sluice does not take --spec-sha256: the real-runner tests ran through a launcher that "
        "drops it, and test_e2e_runner.py::test_a_spec_edited_after_parsing_* fails until the runner has it.")
    return real_sluice.launcher_without_spec_sha256(tmp_path_factory.mktemp("launcher"))


@pytest.fixture
def real_env(monkeypatch, sluice_db, sandbox, tmp_path, runner_launcher):
    """The worker environment of a real run: the DB connection, the sandbox URL and its token."""
    if runner_launcher:
        monkeypatch.setenv("SLUICE_BIN", str(runner_launcher))
    else:
        monkeypatch.delenv("SLUICE_BIN", raising=False)  # the real launcher, task-runner/bin/sluice
    monkeypatch.setenv("AIRFLOW_CONN_SLUICE_DB", sluice_db.airflow_conn)
    monkeypatch.setenv("SLUICE_SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("SHOP_API_TOKEN", SANDBOX_TOKEN)
    monkeypatch.setenv("SLUICE_HOME", str(tmp_path / "sluice-home"))  # never the user's ~/.sluice
    return {"SLUICE_DB_URL": sluice_db.jdbc_url, "SLUICE_DB_USER": sluice_db.user,
            "SLUICE_SANDBOX_URL": sandbox.url, "SHOP_API_TOKEN": SANDBOX_TOKEN}


def write_spec(folder: Path, name: str, airflow_block: str, partitions: str = "daily") -> Path:
    """A minimal job spec with the given ``airflow:`` block (YAML text, indented 2)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(f"job: {name}\npartitions:\n  type: {partitions}\nsource: {{type: http}}\n"
                    f"sink: {{type: postgres}}\nairflow:\n{airflow_block}")
    return path


@pytest.fixture(scope="module")
def broker() -> str:
    """Debian's redis-server, for the tests of a real Airflow stack (celery_stack.py,
    events_stack.py); checked before anything else starts. Without it the module's tests are
    SKIPPED with the reason, or fail under SLUICE_REQUIRE_REDIS (set by .ci/run)."""
    import celery_stack

    server = celery_stack.redis_server()
    if server is None:
        message = ("NO redis-server (Debian package redis-server): the real Airflow stack tests did not run; "
                   "install it with apt-get install redis-server")
        if os.environ.get("SLUICE_REQUIRE_REDIS"):
            pytest.fail(message + " (SLUICE_REQUIRE_REDIS is set)")
        pytest.skip(message)
    return server


@pytest.fixture(scope="module")
def airflow_stack(broker, tmp_path_factory, sluice_db):
    """Starts a real Airflow stack: ``start(name, make, write_jobs)`` lays out a DAG folder of its
    own (the real sluice_jobs.py; ``write_jobs(jobs_folder)`` writes the specs), creates a fresh
    metadata database ``airflow_<name>`` on the session's PostgreSQL, builds the stack with
    ``make(base, dags, metadata)`` and starts it. Every stack it built is stopped at the module's
    end, also when its start failed."""
    import celery_stack
    import psycopg2

    built: list[tuple[celery_stack.CeleryStack, Path]] = []

    def start(name: str, make, write_jobs) -> celery_stack.CeleryStack:
        base = tmp_path_factory.mktemp(name)
        dags = base / "dags"
        (dags / "jobs").mkdir(parents=True)
        shutil.copy(DAGS / "sluice_jobs.py", dags / "sluice_jobs.py")
        write_jobs(dags / "jobs")
        conn = psycopg2.connect(host=sluice_db.host, port=int(sluice_db.port), user=sluice_db.user,
                                dbname="postgres")
        conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS airflow_{name}")
            cur.execute(f"CREATE DATABASE airflow_{name}")
        conn.close()
        metadata = {"host": sluice_db.host, "port": sluice_db.port, "user": sluice_db.user,
                    "dbname": f"airflow_{name}"}
        stack = make(base, dags, metadata)
        built.append((stack, base))
        stack.start()
        return stack

    yield start
    for stack, base in reversed(built):
        try:
            stack.stop()
        finally:
            print(f"\n{base.name} stack logs: {base}")
