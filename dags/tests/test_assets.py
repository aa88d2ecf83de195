"""Asset wiring between jobs: ``airflow.outlets`` on a producer's run tasks, ``airflow.schedule_on``
on a consumer's DAG, checked by the factory, and the consumer's plan taken from the events."""

from types import SimpleNamespace

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import Asset
from airflow.sdk.definitions.asset import AssetAll

from sluice_airflow import factory, planning, spec
from sluice_airflow.planning import PlanError
from sluice_airflow.spec import SpecError

from conftest import DAGS, write_spec

PRODUCER = "  owner: me\n  outlets: [shop_orders]\n"
CONSUMER = "  owner: me\n  schedule_on: [shop_orders]\n"


@pytest.fixture(scope="module")
def dagbag():
    return DagBag(dag_folder=str(DAGS))


def test_the_orders_run_tasks_declare_the_shop_orders_asset_and_the_plan_task_does_not(dagbag):
    dag = dagbag.dags["sluice_orders"]
    assert dag.task_dict["run"].partial_kwargs["outlets"] == [Asset("shop_orders")]
    assert dag.task_dict["plan"].outlets == []


def test_the_enrichment_dag_is_scheduled_on_that_asset(dagbag):
    dag = dagbag.dags["sluice_customers_enrich"]
    assert dag.timetable.asset_condition == AssetAll(Asset("shop_orders"))
    assert type(dag.timetable).__name__ == "AssetTriggeredTimetable"
    assert dag.task_dict["run"].partial_kwargs["outlets"] == []


def test_the_other_examples_neither_produce_nor_consume_assets(dagbag):
    dag = dagbag.dags["sluice_orders_hourly"]
    assert dag.task_dict["run"].partial_kwargs["outlets"] == []
    assert type(dag.timetable).__name__ == "CronDataIntervalTimetable"


def test_outlets_and_schedule_on_are_read_as_asset_names(tmp_path):
    a = spec.load(write_spec(tmp_path, "j", "  owner: me\n  outlets: [shop_orders, 'sluice://x/y']\n")).airflow
    assert (a.outlets, a.schedule_on) == (("shop_orders", "sluice://x/y"), ())
    assert spec.load(write_spec(tmp_path, "j", CONSUMER)).airflow.schedule_on == ("shop_orders",)


@pytest.mark.parametrize(("block", "message"), [
    ("  outlets: shop_orders\n", "airflow.outlets = 'shop_orders' ({path}:8): must be a non-empty list"),
    ("  outlets: []\n", "airflow.outlets = [] ({path}:8): must be a non-empty list"),
    ("  outlets: ['shop orders']\n", "'shop orders' is not an asset name"),
    ("  schedule_on: [a, a]\n", "airflow.schedule_on = ['a', 'a'] ({path}:8): names a more than once"),
    ("  schedule_on: ['airflow://x']\n", "the airflow: scheme is reserved by Airflow"),
    ("  schedule: '@daily'\n  start_date: 2026-11-01\n  catchup: false\n  schedule_on: [a]\n",
     "airflow.schedule_on = ['a'] ({path}:11): a DAG runs on a cron schedule or on assets, not both"),
])
def test_bad_asset_settings_name_field_file_line_and_rule(tmp_path, block, message):
    path = write_spec(tmp_path, "j", "  owner: me\n" + block.replace("  owner: me\n", ""))
    with pytest.raises(SpecError) as e:
        spec.load(path)
    assert message.format(path=path) in str(e.value)


def test_a_consumer_of_a_producer_in_the_folder_gets_its_dag(tmp_path):
    write_spec(tmp_path, "orders", PRODUCER)
    write_spec(tmp_path, "enrich", CONSUMER)
    assert [d.dag_id for d in factory.build_dags(tmp_path)] == ["sluice_enrich", "sluice_orders"]
    factory.raise_spec_errors(tmp_path)  # no error


@pytest.mark.parametrize(("consumer", "producer_partitions", "rule"), [
    ("  owner: me\n  schedule_on: [shop_order]\n", "daily",
     "no job in {dir} lists the asset 'shop_order' in airflow.outlets (did you mean shop_orders?)"),
    ("  owner: me\n  schedule_on: [shop_orders]\n", "hourly",
     "the asset 'shop_orders' comes from job orders ({dir}/orders.yaml), whose partitions are hourly, but this "
     "job's are daily"),
    ("  owner: me\n  outlets: [shop_orders]\n  schedule_on: [shop_orders]\n", "daily",
     "the asset 'shop_orders' is also in this job's airflow.outlets: the DAG would trigger itself"),
])
def test_a_consumer_that_cannot_plan_from_its_assets_is_left_out_with_the_reason(
        tmp_path, consumer, producer_partitions, rule):
    write_spec(tmp_path, "orders", PRODUCER, producer_partitions)
    path = write_spec(tmp_path, "enrich", consumer)
    assert [d.dag_id for d in factory.build_dags(tmp_path)] == ["sluice_orders"]
    with pytest.raises(SpecError) as e:
        factory.raise_spec_errors(tmp_path)
    line = 6 + consumer.count("\n")  # schedule_on is the block's last line
    assert "airflow.schedule_on = [" in str(e.value) and f"({path}:{line})" in str(e.value)
    assert rule.format(dir=tmp_path) in str(e.value)


def event(partition=None, dag="sluice_orders"):
    return SimpleNamespace(extra={} if partition is None else {"partition": partition, "job": "orders"},
                           source_dag_id=dag)


def test_a_run_extra_names_the_job_partition_and_trace():
    summary = {"partition": "2026-11-03", "status": "done", "records": 1200, "trace_id": "ab" * 16, "pages": 24}
    assert planning.event_extra("orders", summary) == {
        "job": "orders", "partition": "2026-11-03", "status": "done", "records": 1200, "trace_id": "ab" * 16}


def test_the_plan_is_the_partitions_the_triggering_events_carry_each_once_sorted():
    events = {Asset("shop_orders"): [event("2026-11-03"), event("2026-11-01"), event("2026-11-03")]}
    assert planning.event_partitions(events) == ("2026-11-01", "2026-11-03")
    assert planning.event_partitions({}) == () == planning.event_partitions(None)


def test_an_event_without_a_partition_cannot_be_planned_from():
    with pytest.raises(PlanError) as e:
        planning.event_partitions({Asset("shop_orders"): [event("2026-11-01"), event(None, dag=None)]})
    assert "an event of asset 'shop_orders' (from outside a DAG) carries no 'partition'" in str(e.value)
    assert "Trigger this DAG with partitions or start_date/end_date instead" in str(e.value)


def test_a_chunk_task_event_names_every_partition_it_ran_and_a_consumer_plans_them_all():
    summaries = [{"partition": d, "records": 10, "trace_id": t} for d, t in (("2026-11-01", "a"), ("2026-11-02", "b"))]
    extra = planning.chunk_event_extra("orders", summaries)
    assert extra == {"job": "orders", "partitions": ["2026-11-01", "2026-11-02"], "status": "done", "records": 20,
                     "trace_ids": ["a", "b"]}
    events = {Asset("shop_orders"): [SimpleNamespace(extra=extra, source_dag_id="sluice_orders"), event("2026-11-05")]}
    assert planning.event_partitions(events) == ("2026-11-01", "2026-11-02", "2026-11-05")
