"""Which partitions a DAG run plans: pure functions from trigger params and run dates to the
arguments of ``sluice plan`` and ``sluice run``.

The window is taken, in this order, from
1. the trigger params ``start_date``/``end_date`` (inclusive dates, as a person types them), or an
   explicit ``partitions`` list;
1b. for a run triggered by assets (``airflow.schedule_on``): the partition keys the producers'
   run tasks attached to the asset events that triggered it (``event_partitions``);
2. the run's data interval (scheduled runs and backfills), aligned to whole partitions;
3. ``run_after`` (manual runs may have no logical date, hence no data interval): the last
   complete partition period before it.
Windows handed to the runner are half-open, ``--from`` inclusive and ``--to`` exclusive, and only
cover whole periods, so a partition is never planned before its period has ended (unless a person
asks for it by date).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

_STEP = {"daily": timedelta(days=1), "hourly": timedelta(hours=1)}


class PlanError(ValueError):
    """The trigger params cannot be planned; the message says which param and why."""


@dataclasses.dataclass(frozen=True)
class TriggerParams:
    start_date: date | None = None
    end_date: date | None = None
    partitions: tuple[str, ...] = ()
    force: bool = False


@dataclasses.dataclass(frozen=True)
class Window:
    """Half-open [start, end) in UTC, aligned to partition boundaries."""

    start: datetime
    end: datetime

    def args(self, partition_type: str) -> list[str]:
        return ["--from", fmt(self.start, partition_type), "--to", fmt(self.end, partition_type)]


def parse_params(params: Mapping[str, Any]) -> TriggerParams:
    """Validate the trigger params (the form validates too, but the REST API and CLI may not)."""
    start = _param_date(params, "start_date")
    end = _param_date(params, "end_date")
    if (start is None) != (end is None):
        missing = "end_date" if end is None else "start_date"
        raise PlanError(f"params.{missing} is missing: give both start_date and end_date (inclusive), or neither")
    if start and end and end < start:
        raise PlanError(f"params.end_date = {end} is before start_date = {start}: the range is inclusive, end >= start")
    partitions = _param_partitions(params.get("partitions"))
    if partitions and start:
        raise PlanError("params: give either partitions or start_date/end_date, not both")
    force = params.get("force", False)
    if not isinstance(force, bool):
        raise PlanError(f"params.force = {force!r}: must be true or false")
    return TriggerParams(start, end, partitions, force)


EVENT_PARTITION = "partition"  # the key in an asset event's extra that names the partition it updated


def event_extra(job: str, summary: Mapping[str, Any]) -> dict[str, Any]:
    """What a run task attaches to its outlet asset events: enough for a consumer to plan the same
    partition, and for a person to see what the update was."""
    return {"job": job, EVENT_PARTITION: summary.get("partition"), "status": summary.get("status"),
            "records": summary.get("records"), "trace_id": summary.get("trace_id")}


def chunk_event_extra(job: str, summaries: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The outlet event of a run task that ran a chunk: every partition it updated, in order."""
    return {"job": job, EVENT_PARTITIONS: [s.get("partition") for s in summaries], "status": "done",
            "records": sum(s.get("records") or 0 for s in summaries),
            "trace_ids": [s.get("trace_id") for s in summaries]}


EVENT_PARTITIONS = "partitions"  # a chunk's event: the list of partitions it updated


def event_partitions(events: Mapping[Any, Any] | None) -> tuple[str, ...]:
    """The partition keys of the asset events that triggered a run, sorted, each once.

    ``events`` maps each asset to its events (Airflow's ``triggering_asset_events``). An event
    without a partition key (an update from outside Sluice, or made by hand) cannot be planned
    from: PlanError names its asset and source, and says how to run the DAG instead.
    """
    keys: set[str] = set()
    for asset, items in (events or {}).items():
        for event in items:
            extra = getattr(event, "extra", None) or {}
            found = extra.get(EVENT_PARTITIONS) if isinstance(extra.get(EVENT_PARTITIONS), list) else \
                [extra.get(EVENT_PARTITION)]
            if not found or not all(isinstance(key, str) and key.strip() for key in found):
                source = getattr(event, "source_dag_id", None) or "outside a DAG"
                raise PlanError(f"an event of asset {getattr(asset, 'name', asset)!r} (from {source}) carries no "
                                f"'{EVENT_PARTITION}' in its extra, so there is nothing to plan from; only the run "
                                f"tasks of a Sluice job with airflow.outlets attach one. Trigger this DAG with "
                                f"partitions or start_date/end_date instead")
            keys.update(key.strip() for key in found)
    return tuple(sorted(keys))


def chunked(keys: list[str], max_tasks: int) -> list[str] | list[list[str]]:
    """What the run tasks map over: one partition key per task while the keys fit in ``max_tasks``
    mapped tasks (Airflow's ``[core] max_map_length``); beyond that, the keys in planned order cut
    into equal contiguous chunks (the last may be shorter), at most ``max_tasks`` of them, each run
    by one task, its partitions one after the other (10 000 keys at 1024: 1000 chunks of 10)."""
    if len(keys) <= max_tasks:
        return keys
    size = -(-len(keys) // max_tasks)
    return [keys[i:i + size] for i in range(0, len(keys), size)]


def plan_args(partition_type: str, params: TriggerParams, *, data_interval_start: datetime | None,
              data_interval_end: datetime | None, run_after: datetime | None) -> list[str]:
    """Arguments after ``sluice plan --job FILE`` for this run."""
    if params.partitions:
        return ["--partitions", ",".join(params.partitions)]
    if partition_type not in _STEP:
        if params.start_date:
            raise PlanError(f"params.start_date/end_date apply to daily or hourly partitions; this job's "
                            f"partitions are '{partition_type}': give partitions instead")
        return []  # list/shard partitions: the runner plans every key of the spec
    window = choose_window(partition_type, params, data_interval_start, data_interval_end, run_after)
    return window.args(partition_type)


def choose_window(partition_type: str, params: TriggerParams, data_interval_start: datetime | None,
                  data_interval_end: datetime | None, run_after: datetime | None) -> Window:
    if params.start_date and params.end_date:
        return window_from_dates(params.start_date, params.end_date)
    if data_interval_start and data_interval_end:
        window = window_from_interval(partition_type, data_interval_start, data_interval_end)
        if window:
            return window
    if run_after is None:
        raise PlanError("the run has no params window, no data interval and no run_after: nothing to plan from")
    return window_before(partition_type, run_after)


def window_from_dates(start: date, end: date) -> Window:
    """Inclusive dates from the trigger form → half-open window: [start 00:00, end+1 00:00)."""
    return Window(_midnight(start), _midnight(end) + timedelta(days=1))


def window_from_interval(partition_type: str, start: datetime, end: datetime) -> Window | None:
    """Whole periods inside a data interval, or None when it holds no whole period."""
    window = Window(floor(start, partition_type), floor(end, partition_type))
    return window if window.end > window.start else None


def window_before(partition_type: str, moment: datetime) -> Window:
    """The last complete period before ``moment``."""
    end = floor(moment, partition_type)
    return Window(end - _STEP[partition_type], end)


def floor(moment: datetime, partition_type: str) -> datetime:
    moment = _utc(moment)
    if partition_type == "hourly":
        return moment.replace(minute=0, second=0, microsecond=0)
    return datetime.combine(moment.date(), time(0), tzinfo=UTC)


def fmt(moment: datetime, partition_type: str) -> str:
    """The runner's format: dates for daily partitions, on-the-hour UTC date-times for hourly."""
    moment = _utc(moment)
    return moment.date().isoformat() if partition_type == "daily" else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def job_args(job_file: str, spec_sha256: str) -> list[str]:
    """``--job FILE --spec-sha256 HEX``: the runner refuses (exit 78) a file whose bytes differ from
    the ones the DAG parsed, so a stale copy of a spec in an image never runs."""
    return ["--job", job_file, "--spec-sha256", spec_sha256]


def run_args(job_file: str, spec_sha256: str, partition: str, force: bool) -> list[str]:
    return ["run", *job_args(job_file, spec_sha256), "--partition", partition] + (["--force"] if force else [])


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _param_date(params: Mapping[str, Any], name: str) -> date | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PlanError(f"params.{name} = {value!r}: must be a date YYYY-MM-DD") from None


def _param_partitions(value: Any) -> tuple[str, ...]:
    if value in (None, "", []):
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(k, str) for k in value):
        raise PlanError(f"params.partitions = {value!r}: must be a list of partition keys")
    keys = tuple(k.strip() for k in value if k.strip())
    bad = [k for k in keys if "," in k]
    if bad:
        raise PlanError(f"params.partitions: {bad[0]!r} contains ',': give one key per entry")
    return keys
