"""Runs started by broker messages (``airflow.trigger``): the asset a job's DAG is scheduled on, the
watcher that turns each message into an event of that asset, and the message format.

A message is a JSON object naming what to run, either explicit keys or a window of days:

    {"partitions": ["2026-11-01", "2026-11-03"]}
    {"start_date": "2026-11-01", "end_date": "2026-11-02"}      (inclusive, daily or hourly jobs)

The watcher's event carries the message in the asset event's extra (``{"payload": {"data": TEXT}}``,
from Airflow's trigger plumbing); the plan task reads it from the run's triggering events, so a
message reaches the run the way a person's trigger params do. Messages come from outside Airflow
and are untrusted: anything else (not JSON, not an object, unknown fields, no keys, a key with a
comma, longer than ``MAX_MESSAGE_BYTES``) fails the plan without retry, naming the message, and no
partition runs. Airflow batches the events that arrive while a run is being created into that
run: it then runs every partition its messages name, each once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, AssetWatcher

from sluice_airflow import planning
from sluice_airflow.planning import PlanError
from sluice_airflow.spec import JobSpec, MessageTrigger

MAX_MESSAGE_BYTES = 64 * 1024
MAX_KEYS = 10_000  # one message's window, as keys; far beyond what one run maps ([core] max_map_length)
_FIELDS = ("partitions", "start_date", "end_date")
# The redis provider's trigger sleeps this long whenever it finds no message (its default is 60 s,
# which would also delay the first message after every re-subscription by a minute).
PUBSUB_POLL_SECONDS = 0.5


def asset_name(spec: JobSpec) -> str:
    """The asset of a job's messages, ``sluice_<job>_messages``: what its DAG is scheduled on."""
    return f"{spec.dag_id}_messages"


def schedule(spec: JobSpec) -> list[Asset]:
    """``schedule=`` of a message-triggered DAG: its messages asset, watched by the broker's trigger."""
    watcher = AssetWatcher(name=f"{spec.dag_id}_{spec.airflow.trigger.broker.replace('+', '_')}",
                           trigger=trigger(spec.airflow.trigger, spec.dag_id))
    return [Asset(asset_name(spec), watchers=[watcher])]


def trigger(settings: MessageTrigger, dag_id: str) -> Any:
    if settings.broker == "redis+pubsub":
        # Imported only here: importing it makes Airflow load every provider's queue classes.
        from airflow.providers.common.messaging.triggers.msg_queue import MessageQueueTrigger

        return MessageQueueTrigger(scheme="redis+pubsub", channels=list(settings.channels),
                                   redis_conn_id=settings.conn_id, poll_interval=PUBSUB_POLL_SECONDS)
    from sluice_airflow.redis_stream import RedisStreamTrigger

    return RedisStreamTrigger(stream=settings.stream, group=settings.group or dag_id, conn_id=settings.conn_id)


def message_partitions(events: Mapping[Any, Any] | None, partition_type: str) -> tuple[str, ...] | None:
    """The partition keys the messages behind a run's triggering events name, sorted, each once;
    None when no event came from a broker message (the run plans as any other)."""
    messages = [(asset, event) for asset, items in (events or {}).items() for event in items
                if (getattr(event, "extra", None) or {}).get("from_trigger")]
    if not messages:
        return None
    keys: set[str] = set()
    for asset, event in messages:
        payload = event.extra.get("payload") or {}
        where = _where(asset, payload)
        keys.update(partitions_of(parse_message(payload.get("data"), where), partition_type, where))
    return tuple(sorted(keys))


def parse_message(data: Any, where: str) -> planning.TriggerParams:
    """One message's text → what it asks to run; PlanError says what is wrong and what is expected."""
    if not isinstance(data, str):
        raise PlanError(f"{where} has no text ({data!r}); {_EXPECTED}")
    if len(data.encode()) > MAX_MESSAGE_BYTES:
        raise PlanError(f"{where} is {len(data.encode())} bytes, more than {MAX_MESSAGE_BYTES}; {_EXPECTED}")
    try:
        body = json.loads(data)
    except ValueError as e:
        raise PlanError(f"{where} is not JSON ({e}): {_shown(data)}; {_EXPECTED}") from None
    if not isinstance(body, dict):
        raise PlanError(f"{where} is not a JSON object: {_shown(data)}; {_EXPECTED}")
    unknown = sorted(set(body) - set(_FIELDS))
    if unknown:
        raise PlanError(f"{where} has the unknown field {unknown[0]!r}: {_shown(data)}; {_EXPECTED}")
    try:
        params = planning.parse_params(body)
    except PlanError as e:
        raise PlanError(f"{where}: {str(e).replace('params.', 'message field ')}; {_EXPECTED}") from None
    if not (params.partitions or params.start_date):
        raise PlanError(f"{where} names no partition: {_shown(data)}; {_EXPECTED}")
    return params


def partitions_of(params: planning.TriggerParams, partition_type: str, where: str) -> tuple[str, ...]:
    """A message's keys: its partitions, or every day (hour) of its inclusive window."""
    if params.partitions:
        return params.partitions
    if partition_type not in ("daily", "hourly"):
        raise PlanError(f"{where} names a window, but this job's partitions are '{partition_type}': "
                        f"send partitions instead")
    window = planning.window_from_dates(params.start_date, params.end_date)
    step = timedelta(days=1) if partition_type == "daily" else timedelta(hours=1)
    if (window.end - window.start) / step > MAX_KEYS:
        raise PlanError(f"{where} names a window of more than {MAX_KEYS} partitions; send a narrower one")
    form = "%Y-%m-%d" if partition_type == "daily" else "%Y-%m-%dT%H"  # the runner's key forms
    keys, moment = [], window.start
    while moment < window.end:
        keys.append(moment.strftime(form))
        moment += step
    return tuple(keys)


_EXPECTED = ('a message is a JSON object: {"partitions": ["KEY", ...]} or '
             '{"start_date": "YYYY-MM-DD", "end_date": "YYYY-MM-DD"} (inclusive)')


def _where(asset: Any, payload: Mapping[str, Any]) -> str:
    source = payload.get("channel") or payload.get("stream") or "?"
    entry = f" entry {payload['id']}" if payload.get("id") else ""
    return f"the message from {source}{entry} (asset {getattr(asset, 'name', asset)!r})"


def _shown(data: str) -> str:
    return repr(data if len(data) <= 200 else data[:200] + "…")
