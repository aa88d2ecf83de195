"""The ``airflow:`` block is validated strictly, with errors naming file, line, field and rule."""

import hashlib
from datetime import date, timedelta

import pytest

from sluice_airflow import spec
from sluice_airflow.spec import SecretRef, SpecError

from conftest import DAGS, write_spec

OK = "  owner: team\n"


def load_block(tmp_path, block, partitions="daily"):
    return spec.load(write_spec(tmp_path, "job1", block, partitions))


def error_of(tmp_path, block, partitions="daily") -> str:
    with pytest.raises(SpecError) as e:
        load_block(tmp_path, block, partitions)
    return str(e.value)


def test_reads_the_reference_spec():
    s = spec.load(DAGS / "jobs" / "orders.yaml")
    a = s.airflow
    assert (s.job, s.dag_id, s.partition_type, s.is_time_partitioned) == ("orders", "sluice_orders", "daily", True)
    assert (a.schedule, a.start_date, a.catchup, a.retries) == ("0 2 * * *", date(2026, 11, 1), False, 3)
    assert (a.retry_delay, a.max_active_partitions, a.owner) == (timedelta(seconds=30), 8, "data-platform")
    assert a.tags == ("example", "shop")
    assert a.secrets == (SecretRef("SHOP_API_TOKEN"),) and a.env == ("SLUICE_SANDBOX_URL",)


def test_defaults_for_a_manual_only_job(tmp_path):
    a = load_block(tmp_path, OK).airflow
    assert (a.schedule, a.catchup, a.retries, a.retry_delay, a.max_retry_delay) == (
        None, False, 3, timedelta(seconds=30), timedelta(minutes=30))
    assert (a.backend, a.pool, a.db_conn_id, a.max_active_partitions) == (None, None, "sluice_db", 8)
    assert a.reschedule_timeout == timedelta(hours=6)


def test_reschedule_timeout_is_a_duration_longer_than_zero(tmp_path):
    assert load_block(tmp_path, OK + "  reschedule_timeout: 1d12h\n").airflow.reschedule_timeout == timedelta(hours=36)
    message = error_of(tmp_path, OK + "  reschedule_timeout: 0s\n")
    assert "airflow.reschedule_timeout = '0s'" in message and "longer than 0" in message


def test_queue_is_a_celery_queue_name(tmp_path):
    assert load_block(tmp_path, OK).airflow.queue is None
    assert load_block(tmp_path, OK + "  queue: shop-api.eu_1\n").airflow.queue == "shop-api.eu_1"
    for bad in ("'shop api'", "''", "[a, b]", "x" * 201):
        message = error_of(tmp_path, OK + f"  queue: {bad}\n")
        assert message.startswith("airflow.queue = ") and "job1.yaml:8" in message, message
        assert "Celery queue name" in message and "--queues" in message


def test_the_spec_hash_is_the_sha256_of_the_files_raw_bytes(tmp_path):
    path = write_spec(tmp_path, "job1", OK)
    path.write_bytes(path.read_bytes() + b"# a comment changes the hash, though not the meaning\n")
    assert spec.load(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert spec.load(path).sha256 != spec.load(write_spec(tmp_path, "job1", OK)).sha256


def test_unknown_field_names_file_line_and_suggests(tmp_path):
    message = error_of(tmp_path, OK + "  retires: 3\n")
    assert "airflow.retires = 3" in message
    assert f"{tmp_path}/job1.yaml:8" in message
    assert "did you mean retries?" in message


@pytest.mark.parametrize("line, field, rule", [
    ("  retries: -1\n", "airflow.retries = -1", "integer >= 0"),
    ("  retries: yes\n", "airflow.retries = True", "integer >= 0"),
    ("  retry_delay: 30\n", "airflow.retry_delay = 30", "duration such as 30s"),
    ("  retry_delay: 0s\n", "airflow.retry_delay = '0s'", "longer than 0"),
    ("  max_active_partitions: 0\n", "airflow.max_active_partitions = 0", "integer >= 1"),
    ("  backend: lambda\n", "airflow.backend = 'lambda'", "docker, kubernetes, subprocess"),
    ("  schedule: '0 2 * *'\n  catchup: false\n  start_date: 2026-11-01\n", "airflow.schedule", "5-field cron"),
    ("  schedule: '@often'\n", "airflow.schedule = '@often'", "presets are"),
    ("  tags: example\n", "airflow.tags = 'example'", "list of strings"),
    ("  catchup: 'no'\n  schedule: '@daily'\n  start_date: 2026-11-01\n", "airflow.catchup = 'no'", "true or false"),
    ("  start_date: 2026-13-01\n", "airflow.start_date = '2026-13-01'", "date YYYY-MM-DD"),
    ("  secrets: [shop_token]\n", "airflow.secrets", "not an environment variable name"),
    ("  secrets: [SLUICE_DB_PASSWORD]\n", "airflow.secrets", "set by Sluice itself"),
    ("  secrets: [{env: TOKEN, conn: shop, field: extra}]\n", "airflow.secrets", "field must be password or login"),
    ("  env: [TOKEN]\n  secrets: [TOKEN]\n", "airflow.env = ['TOKEN']", "not both"),
])
def test_rejects_bad_values_with_field_value_and_rule(tmp_path, line, field, rule):
    message = error_of(tmp_path, OK + line)
    assert field in message and rule in message and "job1.yaml:" in message


def test_owner_is_required(tmp_path):
    assert "airflow.owner = None" in error_of(tmp_path, "  retries: 1\n")


def test_a_schedule_needs_explicit_catchup_and_start_date(tmp_path):
    message = error_of(tmp_path, OK + "  schedule: '@daily'\n  start_date: 2026-11-01\n")
    assert "airflow.catchup" in message and "required when airflow.schedule is set" in message
    message = error_of(tmp_path, OK + "  schedule: '@daily'\n  catchup: true\n")
    assert "airflow.start_date" in message


def test_missing_airflow_block_and_partitions_type(tmp_path):
    path = tmp_path / "bare.yaml"
    path.write_text("job: bare\npartitions: {type: daily}\n")
    with pytest.raises(SpecError, match=r"airflow = None .*bare.yaml.*owner"):
        spec.load(path)
    for text in ("job: bare\nairflow: {owner: x}\n", "job: bare\npartitions: daily\nairflow: {owner: x}\n"):
        path.write_text(text)
        with pytest.raises(SpecError, match=r"partitions.type = None"):
            spec.load(path)


def test_durations_and_secret_forms(tmp_path):
    a = load_block(tmp_path, OK + "  retry_delay: 1h30m\n  max_retry_delay: 2d\n  execution_timeout: 500ms\n"
                   "  secrets: [TOKEN, {env: SHOP_KEY, conn: shop_api},"
                   " {env: SHOP_USER, conn: shop_api, field: login}]\n").airflow
    assert (a.retry_delay, a.max_retry_delay, a.execution_timeout) == (
        timedelta(minutes=90), timedelta(days=2), timedelta(milliseconds=500))
    assert a.secrets == (SecretRef("TOKEN"), SecretRef("SHOP_KEY", "shop_api", "password"),
                         SecretRef("SHOP_USER", "shop_api", "login"))


def test_unreadable_yaml_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("job: [unclosed\n")
    with pytest.raises(SpecError, match="broken.yaml: cannot read the job spec"):
        spec.load(path)
