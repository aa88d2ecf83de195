"""The admin link's URL and where its base comes from (no Airflow run needed)."""

from sluice_airflow import links


def test_the_partition_url_escapes_job_and_partition():
    assert links.partition_url("http://a:8090", "orders", "2026-11-01") == "http://a:8090/#job=orders&partition=2026-11-01"
    assert links.partition_url("http://a", "x y", "03-of-16/&") == "http://a/#job=x%20y&partition=03-of-16%2F%26"


def test_the_environment_names_the_admin_url():
    assert links.admin_url({"SLUICE_ADMIN_URL": "http://admin:8090/"}) == "http://admin:8090"


def test_the_variable_names_it_when_the_environment_does_not(monkeypatch):
    monkeypatch.setenv("AIRFLOW_VAR_SLUICE_ADMIN_URL", "http://from-variable:8090")
    assert links.admin_url({}) == "http://from-variable:8090"


def test_without_either_there_is_none(monkeypatch):
    monkeypatch.delenv("AIRFLOW_VAR_SLUICE_ADMIN_URL", raising=False)
    assert links.admin_url({}) is None
