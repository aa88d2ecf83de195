"""Sluice's Airflow side: one DAG per job spec, planning, backends and the exit-code mapping.

DAG files stay configuration (``dags/sluice_jobs.py``); everything here is tested in ``dags/tests``.
"""
