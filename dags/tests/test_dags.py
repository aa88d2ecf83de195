"""The DAG folder imports cleanly and each example spec yields the DAG it describes."""

import hashlib
import shutil
import subprocess
import sys
import textwrap
import time
from datetime import timedelta

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import CronDataIntervalTimetable

from sluice_airflow import factory
from sluice_airflow.spec import SpecError

from conftest import DAGS, write_spec

EXAMPLES = sorted(p.stem for p in (DAGS / "jobs").glob("*.yaml"))


@pytest.fixture(scope="module")
def dagbag():
    return DagBag(dag_folder=str(DAGS))


def test_dag_folder_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == [f"sluice_{name}" for name in EXAMPLES]


def test_airflowignore_keeps_the_package_and_tests_out_of_parsing(dagbag):
    parsed = {path.rsplit("/", 1)[-1] for path in dagbag.file_last_changed}
    assert parsed == {"sluice_jobs.py", "sluice_spec_errors.py"}


def test_parsing_does_no_io_beyond_reading_the_specs():
    # Airflow and the providers are imported first (the dag-processor has them loaded); then any
    # socket, subprocess, SQLite or connection use while running the DAG file fails the test.
    probe = textwrap.dedent(f"""
        import runpy, socket, sqlite3, subprocess, sys, time
        import airflow.sdk, airflow.providers.docker.operators.docker, airflow.providers.cncf.kubernetes.operators.pod
        import airflow.sdk.definitions.timetables.interval  # croniter runs `file` once on import
        def forbidden(*a, **k): raise AssertionError("I/O at parse time")
        socket.socket.connect = subprocess.Popen.__init__ = sqlite3.connect = forbidden
        airflow.sdk.Connection.get = classmethod(forbidden)
        sys.path.insert(0, {str(DAGS)!r})
        start = time.monotonic()
        names = sorted(k for k in runpy.run_path({str(DAGS / "sluice_jobs.py")!r}) if k.startswith("sluice_"))
        runpy.run_path({str(DAGS / "sluice_spec_errors.py")!r})
        print(names, round(time.monotonic() - start, 3))
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    names, seconds = out.stdout.rsplit(" ", 1)
    assert names == str([f"sluice_{name}" for name in EXAMPLES])
    assert float(seconds) < 2.0  # our own parse work, after Airflow is imported


@pytest.mark.parametrize("name", EXAMPLES)
def test_policy_every_dag_has_owner_retries_tags_and_explicit_catchup(dagbag, name):
    dag = dagbag.dags[f"sluice_{name}"]
    assert "sluice" in dag.tags
    for task in dag.tasks:
        assert task.owner not in ("", "airflow")
        assert task.retries >= 1
        assert task.retry_exponential_backoff == factory.RETRY_BACKOFF
    assert dag.catchup in (True, False)


@pytest.mark.parametrize("name", EXAMPLES)
def test_graph_is_plan_then_run_mapped_over_the_plan(dagbag, name):
    dag = dagbag.dags[f"sluice_{name}"]
    plan, run = dag.task_dict["plan"], dag.task_dict["run"]
    assert set(dag.task_dict) == {"plan", "run"}
    assert plan.downstream_task_ids == {"run"}
    assert plan.sluice_command == "plan"
    assert run.partial_kwargs["sluice_command"] == "run"
    assert run.partial_kwargs["map_index_template"] == "{{ task.partition_label }}"
    assert run.expand_input.value["partition"].operator is plan


def test_orders_dag_matches_its_spec(dagbag):
    dag = dagbag.dags["sluice_orders"]
    run = dag.task_dict["run"]
    assert dag.timetable == CronDataIntervalTimetable("0 2 * * *", timezone="UTC")
    assert (dag.start_date.isoformat(), dag.catchup, dag.max_active_runs) == ("2026-11-01T00:00:00+00:00", False, 1)
    assert dag.tags == {"example", "shop", "sluice"}
    assert dag.description.startswith("Shop orders")
    assert run.partial_kwargs["max_active_tis_per_dag"] == 8
    assert run.partial_kwargs.get("pool") in (None, "default_pool")
    assert (run.partial_kwargs["retries"], run.partial_kwargs["retry_delay"]) == (3, timedelta(seconds=30))
    assert run.partial_kwargs["max_retry_delay"] == timedelta(minutes=30)
    assert run.partial_kwargs["owner"] == "data-platform"
    assert run.operator_class.__name__ == "SluiceDockerOperator"  # no backend in the spec, no SLUICE_BACKEND
    assert run.partial_kwargs["image"] == "sluice-task-runner:latest"
    assert run.partial_kwargs["job_file"] == "/opt/sluice/jobs/orders.yaml"
    assert run.partial_kwargs["forward_secrets"] == [{"env": "SHOP_API_TOKEN"}]
    sha = hashlib.sha256((DAGS / "jobs" / "orders.yaml").read_bytes()).hexdigest()
    assert run.partial_kwargs["spec_sha256"] == dag.task_dict["plan"].spec_sha256 == sha  # computed at parse time
    assert run.partial_kwargs["reschedule_timeout"] == timedelta(days=1)


def test_hourly_orders_dag_matches_its_spec(dagbag):
    dag = dagbag.dags["sluice_orders_hourly"]
    plan, run = dag.task_dict["plan"], dag.task_dict["run"]
    assert dag.timetable == CronDataIntervalTimetable("15 * * * *", timezone="UTC")
    assert (dag.catchup, dag.max_active_runs) == (True, 3)
    assert run.partial_kwargs["pool"] == "shop_api"
    assert plan.pool == "default_pool"  # planning does not take a slot of the API's pool
    assert run.partial_kwargs["max_active_tis_per_dag"] == 4
    assert (run.partial_kwargs["retries"], run.partial_kwargs["max_retry_delay"]) == (5, timedelta(hours=1))
    assert run.partial_kwargs["execution_timeout"] == timedelta(hours=2)
    assert run.operator_class.__name__ == "SluiceKubernetesPodOperator"


@pytest.mark.parametrize("name", EXAMPLES)
def test_trigger_params_and_their_defaults_validate(dagbag, name):
    dag = dagbag.dags[f"sluice_{name}"]
    assert set(dag.params) == {"start_date", "end_date", "partitions", "force"}
    dag.params.validate()
    schema = {k: dag.params.get_param(k).schema for k in dag.params}
    assert {k: schema["start_date"][k] for k in ("type", "format")} == {"type": ["null", "string"], "format": "date"}
    assert "inclusive" in dag.params.get_param("end_date").description.lower()
    assert schema["partitions"]["type"] == "array" and schema["force"]["type"] == "boolean"


def test_non_time_partitions_get_no_date_params(tmp_path):
    dag = factory.build_dag(__import__("sluice_airflow.spec").spec.load(
        write_spec(tmp_path, "accounts", "  owner: crm\n", partitions="list")))
    assert set(dag.params) == {"partitions", "force"}
    assert dag.schedule is None


def test_manual_only_spec_has_no_schedule(tmp_path):
    dag = factory.build_dag(__import__("sluice_airflow.spec").spec.load(write_spec(tmp_path, "m", "  owner: me\n")))
    assert dag.schedule is None and dag.catchup is False


def test_a_queue_routes_the_plan_and_every_partition_to_that_celery_queue(tmp_path):
    from sluice_airflow import spec

    dag = factory.build_dag(spec.load(write_spec(tmp_path, "q", "  owner: me\n  queue: shop-api\n")))
    assert dag.task_dict["plan"].queue == "shop-api"
    assert dag.task_dict["run"].partial_kwargs["queue"] == "shop-api"
    default = factory.build_dag(spec.load(write_spec(tmp_path, "d", "  owner: me\n")))
    assert default.task_dict["plan"].queue == default.task_dict["run"].partial_kwargs["queue"] == "default"


def test_backend_comes_from_spec_then_env_then_docker(tmp_path, monkeypatch):
    from sluice_airflow import backends, spec

    plain = spec.load(write_spec(tmp_path, "plain", "  owner: me\n"))
    pinned = spec.load(write_spec(tmp_path, "pinned", "  owner: me\n  backend: kubernetes\n"))
    assert backends.backend_for(plain) == "docker"
    monkeypatch.setenv("SLUICE_BACKEND", "subprocess")
    assert (backends.backend_for(plain), backends.backend_for(pinned)) == ("subprocess", "kubernetes")
    monkeypatch.setenv("SLUICE_BACKEND", "podman")
    with pytest.raises(SpecError, match="SLUICE_BACKEND = 'podman'"):
        backends.backend_for(plain)


def dag_folder_with(tmp_path, specs: dict[str, str]):
    """A DAG folder like dags/ (both DAG files, the package) with these specs in jobs/."""
    for dag_file in ("sluice_jobs.py", "sluice_spec_errors.py"):
        shutil.copy(DAGS / dag_file, tmp_path / dag_file)
    for name, block in specs.items():
        write_spec(tmp_path / "jobs", name, block)
    return DagBag(dag_folder=str(tmp_path))


def test_an_invalid_spec_hides_only_its_own_dag_and_is_an_import_error_naming_file_line_and_field(tmp_path):
    bag = dag_folder_with(tmp_path, {
        "good": "  owner: me\n",
        "bad1": "  owner: me\n  retries: -2\n",
        "bad2": "  owner: me\n  schedule: '61 * * * *'\n  catchup: false\n  start_date: 2026-11-01\n",
        "good2": "  owner: me\n  reschedule_timeout: 1h30m\n",
    })
    assert sorted(bag.dag_ids) == ["sluice_good", "sluice_good2"]
    [(path, error)] = bag.import_errors.items()
    assert path.endswith("sluice_spec_errors.py")  # the DAG file of the valid jobs imports cleanly
    assert "2 job spec(s) in " in error and "their DAGs are not loaded (the 2 valid job(s) are)" in error
    assert f"airflow.retries = -2 ({tmp_path}/jobs/bad1.yaml:8): must be an integer >= 0" in error
    assert f"airflow.schedule = '61 * * * *' ({tmp_path}/jobs/bad2.yaml:8): not a valid cron" in error


def test_a_folder_of_valid_specs_has_no_import_error(tmp_path):
    bag = dag_folder_with(tmp_path, {"good": "  owner: me\n"})
    assert (bag.dag_ids, bag.import_errors) == (["sluice_good"], {})


def test_specs_sharing_a_job_name_are_all_left_out_and_named(tmp_path):
    write_spec(tmp_path, "a", "  owner: me\n")
    (tmp_path / "b.yaml").write_text((tmp_path / "a.yaml").read_text())
    write_spec(tmp_path, "c", "  owner: me\n")
    assert [d.dag_id for d in factory.build_dags(tmp_path)] == ["sluice_c"]
    with pytest.raises(SpecError) as e:
        factory.raise_spec_errors(tmp_path)
    assert f"job = 'a' ({tmp_path}/a.yaml, {tmp_path}/b.yaml): specs share this job name (DAG sluice_a)" in str(e.value)


def test_a_bad_backend_setting_is_each_specs_error(tmp_path, monkeypatch):
    write_spec(tmp_path, "plain", "  owner: me\n")
    write_spec(tmp_path, "pinned", "  owner: me\n  backend: subprocess\n")
    monkeypatch.setenv("SLUICE_BACKEND", "podman")
    assert [d.dag_id for d in factory.build_dags(tmp_path)] == ["sluice_pinned"]
    with pytest.raises(SpecError, match="SLUICE_BACKEND = 'podman'.*plain.yaml"):
        factory.raise_spec_errors(tmp_path)


def test_dag_folder_imports_within_airflows_dagbag_import_timeout(dagbag):
    # The bound is Airflow's own ([core] dagbag_import_timeout, 30 s: past it the file fails to
    # import), not a performance target; the time taken is printed, not asserted more tightly.
    start = time.monotonic()
    DagBag(dag_folder=str(DAGS))
    seconds = time.monotonic() - start
    print(f"DagBag import of {DAGS}: {seconds:.2f}s")
    assert seconds < 30
