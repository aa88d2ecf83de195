"""The invalid Sluice job specs in dags/jobs/*.yaml, as this file's Airflow DAG import error.

``sluice_jobs.py`` builds the DAGs of the valid specs and leaves the others out. Each invalid
spec is one line of the error this file raises while parsing (file, line, field, rule), shown
under "DAG import errors" in the UI and counted by Airflow's import-error metrics, so one broken
spec hides no other job. This file builds no DAG; it parses cleanly when every spec is valid.
"""

from pathlib import Path

from sluice_airflow.factory import raise_spec_errors

raise_spec_errors(Path(__file__).parent / "jobs")
