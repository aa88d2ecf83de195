"""One Airflow DAG per Sluice job spec in dags/jobs/*.yaml: ``sluice_<job>``.

Each DAG plans the run's partitions with ``sluice plan`` and runs ``sluice run`` once per
partition, in the backend the spec (``airflow.backend``) or ``SLUICE_BACKEND`` selects.
The logic lives in the tested package ``sluice_airflow``; this file is configuration.
Parsing reads the YAML files and environment variables only.

An invalid spec makes this file an import error that names the spec file, line and field
(all jobs wait until it is fixed; `make test-dags` catches it before a deploy). To isolate a
job, give it its own DAG file:

    from sluice_airflow.factory import build_dag
    from sluice_airflow.spec import load
    dag = build_dag(load(__file__.rsplit("/", 1)[0] + "/jobs/orders.yaml"))
"""

from pathlib import Path

from sluice_airflow.factory import build_dags

JOBS_DIR = Path(__file__).parent / "jobs"

for _dag in build_dags(JOBS_DIR):
    globals()[_dag.dag_id] = _dag
