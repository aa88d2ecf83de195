"""Test setup: a throw-away AIRFLOW_HOME with SQLite, set before Airflow is imported.

The end-to-end tests run ``dag.test()`` on a DAG folder of their own (a copy of the real
``sluice_jobs.py`` and of the example specs, switched to the subprocess backend) with
``fake_sluice.py`` as the runner.
"""

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
    if _name.startswith(("SLUICE_", "AIRFLOW_CONN_", "AIRFLOW__", "AIRFLOW_CTX_")) or _name == "SHOP_API_TOKEN":
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


@pytest.fixture(scope="session")
def airflow_db():
    """A migrated metadata DB (SQLite) for the tests that run DAGs."""
    from airflow.utils import db

    db.initdb()


def write_spec(folder: Path, name: str, airflow_block: str, partitions: str = "daily") -> Path:
    """A minimal job spec with the given ``airflow:`` block (YAML text, indented 2)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(f"job: {name}\npartitions:\n  type: {partitions}\nsource: {{type: http}}\n"
                    f"sink: {{type: postgres}}\nairflow:\n{airflow_block}")
    return path
