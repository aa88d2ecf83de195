"""Runs started by broker messages (``airflow.trigger``): the spec setting and its errors, the DAG
scheduled on the job's messages asset with the broker's watcher, and the message format the plan
task reads from the triggering events. The real broker and triggerer: test_events.py."""

import json
from types import SimpleNamespace

import pytest
from airflow.dag_processing.dagbag import DagBag
from airflow.sdk import Asset

from sluice_airflow import factory, messages, spec
from sluice_airflow.planning import PlanError
from sluice_airflow.redis_stream import RedisStreamTrigger
from sluice_airflow.spec import MessageTrigger, SpecError

from conftest import DAGS, write_spec

PUBSUB = "  owner: me\n  trigger:\n    broker: redis+pubsub\n    channels: [orders-requests]\n"
STREAM = "  owner: me\n  trigger: {broker: redis+stream, stream: 'sluice:orders', conn_id: broker}\n"


def test_pubsub_and_stream_settings_are_read_with_their_defaults(tmp_path):
    assert spec.load(write_spec(tmp_path, "j", PUBSUB)).airflow.trigger == MessageTrigger(
        "redis+pubsub", channels=("orders-requests",), conn_id="redis_default")
    assert spec.load(write_spec(tmp_path, "j", STREAM)).airflow.trigger == MessageTrigger(
        "redis+stream", stream="sluice:orders", group=None, conn_id="broker")
    assert spec.load(write_spec(tmp_path, "j", "  owner: me\n")).airflow.trigger is None


def test_a_triggered_job_allows_16_runs_at_once_unless_its_spec_says_otherwise(tmp_path):
    assert spec.load(write_spec(tmp_path, "j", PUBSUB)).airflow.max_active_runs == 16
    assert spec.load(write_spec(tmp_path, "j", PUBSUB + "  max_active_runs: 1\n")).airflow.max_active_runs == 1
    assert spec.load(write_spec(tmp_path, "j", "  owner: me\n")).airflow.max_active_runs == 1


@pytest.mark.parametrize(("block", "message"), [
    ("  trigger: redis\n", "airflow.trigger = 'redis' ({path}:8): must be a mapping"),
    ("  trigger: {broker: kafka, channels: [a]}\n", "broker = 'kafka': must be one of redis+pubsub, redis+stream"),
    ("  trigger: {broker: redis+pubsub}\n", "broker redis+pubsub takes channels: a non-empty list"),
    ("  trigger: {broker: redis+pubsub, channels: []}\n", "broker redis+pubsub takes channels"),
    ("  trigger: {broker: redis+pubsub, channels: [a], stream: s}\n", "stream and group belong to redis+stream"),
    ("  trigger: {broker: redis+stream, channels: [a]}\n", "broker redis+stream takes stream"),
    ("  trigger: {broker: redis+stream, stream: 'a b'}\n", "'a b' is not a channel or stream name"),
    ("  trigger: {broker: redis+stream, stream: s, channel: x}\n", "unknown field 'channel'; known: broker,"),
    ("  trigger: {broker: redis+stream, stream: s}\n  schedule_on: [a]\n",
     "airflow.trigger = {'broker': 'redis+stream', 'stream': 's'} ({path}:8): a DAG runs on messages or on "
     "airflow.schedule_on, not both"),
    ("  schedule: '@daily'\n  start_date: 2026-11-01\n  catchup: false\n  trigger: {broker: redis+stream, stream: s}\n",
     "({path}:11): a DAG runs on messages or on airflow.schedule, not both"),
])
def test_bad_trigger_settings_name_field_file_line_and_rule(tmp_path, block, message):
    path = write_spec(tmp_path, "j", "  owner: me\n" + block)
    with pytest.raises(SpecError) as e:
        spec.load(path)
    assert message.replace("{path}", str(path)) in str(e.value)
    assert str(e.value).startswith("airflow.trigger = ")


def _dag(tmp_path, block):
    return factory.build_dag(spec.load(write_spec(tmp_path, "orders_events", block + "  backend: subprocess\n")))


def test_a_pubsub_job_is_scheduled_on_its_messages_asset_watched_by_the_message_queue_trigger(tmp_path):
    dag = _dag(tmp_path, PUBSUB)
    assert type(dag.timetable).__name__ == "AssetTriggeredTimetable"
    (asset,) = dag.timetable.asset_condition.objects
    assert asset.name == asset.uri == "sluice_orders_events_messages"
    (watcher,) = asset.watchers
    classpath, kwargs = watcher.trigger.serialize()
    assert classpath == "airflow.providers.redis.triggers.redis_await_message.AwaitMessageTrigger"
    # 0.5 s, not the provider's 60 s, which would hold every message for a minute after re-subscribing.
    assert kwargs == {"channels": ["orders-requests"], "redis_conn_id": "redis_default", "poll_interval": 0.5}


def test_a_stream_job_is_watched_by_sluices_acknowledging_stream_trigger(tmp_path):
    (asset,) = _dag(tmp_path, STREAM).timetable.asset_condition.objects
    trigger = asset.watchers[0].trigger
    assert isinstance(trigger, RedisStreamTrigger)
    assert trigger.serialize() == ("sluice_airflow.redis_stream.RedisStreamTrigger",
                                   {"stream": "sluice:orders", "group": "sluice_orders_events", "conn_id": "broker"})
    assert trigger.shared_stream_key() is not None  # the triggerer's shared stream, where acks wait for the DB
    assert "create_shared_stream_producer" in RedisStreamTrigger.__dict__  # ack mode


def test_a_dagbag_with_a_message_triggered_job_has_no_import_error(tmp_path):
    (tmp_path / "jobs").mkdir()
    (tmp_path / "sluice_jobs.py").write_text((DAGS / "sluice_jobs.py").read_text())
    write_spec(tmp_path / "jobs", "by_pubsub", PUBSUB + "  backend: subprocess\n")
    write_spec(tmp_path / "jobs", "by_stream", STREAM + "  backend: subprocess\n")
    bag = DagBag(dag_folder=str(tmp_path))
    assert bag.import_errors == {}
    assert {"sluice_by_pubsub", "sluice_by_stream"} <= set(bag.dags)


def _events(*texts, source=None):
    events = [SimpleNamespace(extra={"from_trigger": True, "payload": {"channel": "orders-requests", "data": t}})
              for t in texts]
    return {Asset("sluice_j_messages"): events + ([source] if source else [])}


def test_a_message_plans_exactly_its_partitions_or_the_days_of_its_window():
    assert messages.message_partitions(_events('{"partitions": ["2026-11-03", "2026-11-01"]}'), "daily") == (
        "2026-11-01", "2026-11-03")
    window = '{"start_date": "2026-11-30", "end_date": "2026-12-01"}'
    assert messages.message_partitions(_events(window), "daily") == ("2026-11-30", "2026-12-01")
    hours = messages.message_partitions(_events('{"start_date": "2026-11-30", "end_date": "2026-11-30"}'), "hourly")
    assert hours[0] == "2026-11-30T00" and hours[-1] == "2026-11-30T23" and len(hours) == 24


def test_messages_batched_into_one_run_plan_the_union_of_their_partitions_each_once():
    batch = _events('{"partitions": ["b", "a"]}', '{"partitions": ["a", "c"]}')
    assert messages.message_partitions(batch, "list") == ("a", "b", "c")


def test_a_run_without_message_events_is_not_planned_from_messages():
    producer = SimpleNamespace(extra={"partition": "2026-11-01"})
    assert messages.message_partitions({Asset("shop_orders"): [producer]}, "daily") is None
    assert messages.message_partitions(None, "daily") is None


@pytest.mark.parametrize(("text", "rule"), [
    ("not json", "is not JSON"),
    ("[1]", "is not a JSON object: '[1]'"),
    ('{"partition": "2026-11-01"}', "has the unknown field 'partition'"),
    ("{}", "names no partition"),
    ('{"partitions": []}', "names no partition"),
    ('{"partitions": "2026-11-01"}', "message field partitions = '2026-11-01': must be a list of partition keys"),
    ('{"partitions": ["a,b"]}', "'a,b' contains ','"),
    ('{"start_date": "2026-11-02"}', "message field end_date is missing"),
    ('{"start_date": "2026-11-02", "end_date": "2026-11-01"}', "is before start_date"),
    ('{"start_date": "2026-13-01", "end_date": "2026-13-01"}', "must be a date YYYY-MM-DD"),
    (None, "has no text (None)"),
    ("x" * (messages.MAX_MESSAGE_BYTES + 1), f"more than {messages.MAX_MESSAGE_BYTES}"),
])
def test_a_malformed_message_fails_the_plan_naming_the_message_and_the_expected_form(text, rule):
    with pytest.raises(PlanError) as e:
        messages.message_partitions(_events('{"partitions": ["ok"]}', text), "daily")
    assert rule in str(e.value)
    assert "the message from orders-requests (asset 'sluice_j_messages')" in str(e.value)
    assert '{"partitions": ["KEY", ...]}' in str(e.value)  # says what a message must look like


def test_a_window_message_for_a_job_of_listed_partitions_is_refused():
    with pytest.raises(PlanError, match="names a window, but this job's partitions are 'list'"):
        messages.message_partitions(_events('{"start_date": "2026-11-01", "end_date": "2026-11-01"}'), "list")


def test_a_stream_entry_is_named_by_stream_and_id_in_errors():
    event = SimpleNamespace(extra={"from_trigger": True, "payload": {"stream": "s", "id": "17-0", "data": "{"}})
    with pytest.raises(PlanError, match=r"the message from s entry 17-0 \(asset 'a'\) is not JSON"):
        messages.message_partitions({Asset("a"): [event]}, "daily")


def test_message_text_is_json_as_a_producer_writes_it():
    text = json.dumps({"partitions": ["2026-11-01"]})
    assert messages.parse_message(text, "m").partitions == ("2026-11-01",)
