"""One Airflow DAG per valid Sluice job spec in dags/jobs/*.yaml: ``sluice_<job>``.

Each DAG plans the run's partitions with ``sluice plan`` and runs ``sluice run`` once per
partition, in the backend the spec (``airflow.backend``) or ``SLUICE_BACKEND`` selects.
The logic lives in the tested package ``sluice_airflow``; this file is configuration.
Parsing reads the YAML files and environment variables only.

An invalid spec is left out here and only its own DAG is missing: ``sluice_spec_errors.py``
turns it into an import error naming the spec file, line and field. To give a job its own
DAG file:

    from sluice_airflow.factory import build_dag
    from sluice_airflow.spec import load
    dag = build_dag(load(__file__.rsplit("/", 1)[0] + "/jobs/orders.yaml"))
"""

from pathlib import Path

from sluice_airflow.factory import build_dags

JOBS_DIR = Path(__file__).parent / "jobs"

for _dag in build_dags(JOBS_DIR):
    globals()[_dag.dag_id] = _dag
