"""Read a job spec (YAML) and validate its ``airflow:`` block strictly.

The Java runner owns and validates the rest of the spec; Airflow reads only ``job``,
``description``, ``partitions.type`` and ``airflow:``. Every error names the field, the value,
the rule and the place, e.g. ``airflow.retries = -1 (dags/jobs/orders.yaml:44): must be >= 0``.
Pure Python (PyYAML only): safe at DAG parse time.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

BACKENDS = ("docker", "kubernetes", "subprocess")
TIME_PARTITIONS = ("daily", "hourly")
PRESETS = ("@hourly", "@daily", "@weekly", "@monthly", "@yearly")
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_QUEUE = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Asset names: what Airflow shows and matches producers and consumers by. Plain names, or URIs
# (``sluice://shop_orders``); no spaces, quotes or braces, which would only confuse the UI and templates.
_ASSET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/@+-]{0,199}$")
# One duration grammar for the runner and the DAGs (config/Durations.java; the shared test vectors
# are task-runner/src/test/resources/durations.txt): ASCII digits and a unit, repeated with units
# from largest to smallest, each at most once; spaces, tabs and newlines only around the whole.
_DURATION = re.compile(r"[ \t\r\n]*((?:[0-9]+(?:ms|s|m|h|d))+)[ \t\r\n]*")
_TERM = re.compile(r"([0-9]+)(ms|s|m|h|d)")
_UNIT_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1_000, "ms": 1}  # largest first
MAX_DURATION = timedelta(days=3650)
# Set by the backends from the connection and the task context; a spec cannot forward them.
RESERVED_ENV = ("SLUICE_DB_URL", "SLUICE_DB_USER", "SLUICE_DB_PASSWORD", "TRACEPARENT", "TRACESTATE")


class _Loader(yaml.SafeLoader):
    """Safe YAML, with dates kept as text so that a bad date is our error, not PyYAML's."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


class SpecError(ValueError):
    """A job spec is invalid; the message says what, where and the rule."""


@dataclasses.dataclass(frozen=True)
class SecretRef:
    """An env var handed privately to the runner: from an Airflow connection field, else the
    worker's environment variable of the same name (docker, subprocess) or a key of the
    Kubernetes Secret (kubernetes)."""

    env: str
    conn_id: str | None = None
    field: str = "password"


BROKERS = ("redis+pubsub", "redis+stream")
TRIGGERED_MAX_ACTIVE_RUNS = 16  # airflow.max_active_runs of a job with airflow.trigger, unless set
_CHANNEL = re.compile(r"^[A-Za-z0-9_.:/@+-]{1,200}$")


@dataclasses.dataclass(frozen=True)
class MessageTrigger:
    """``airflow.trigger``: runs started by broker messages (README "Runs started by messages").

    ``redis+pubsub`` listens on ``channels`` through Airflow's MessageQueueTrigger (a message sent
    while nobody listens is lost); ``redis+stream`` reads the stream ``stream`` through a consumer
    group ``group`` and acknowledges an entry only once Airflow stored its asset event (none lost).
    """

    broker: str
    channels: tuple[str, ...] = ()
    stream: str | None = None
    group: str | None = None
    conn_id: str = "redis_default"


@dataclasses.dataclass(frozen=True)
class AirflowSettings:
    """The validated ``airflow:`` block; README "Airflow settings" documents each field."""

    owner: str
    schedule: str | None = None
    start_date: date | None = None
    catchup: bool = False
    retries: int = 3
    retry_delay: timedelta = timedelta(seconds=30)
    max_retry_delay: timedelta = timedelta(minutes=30)
    execution_timeout: timedelta | None = None
    max_active_partitions: int = 8
    max_active_runs: int = 1
    pool: str | None = None
    queue: str | None = None
    tags: tuple[str, ...] = ()
    backend: str | None = None
    image: str | None = None
    db_conn_id: str = "sluice_db"
    env: tuple[str, ...] = ()
    secrets: tuple[SecretRef, ...] = ()
    reschedule_timeout: timedelta = timedelta(hours=6)
    outlets: tuple[str, ...] = ()
    schedule_on: tuple[str, ...] = ()
    trigger: MessageTrigger | None = None


@dataclasses.dataclass(frozen=True)
class JobSpec:
    path: Path
    job: str
    description: str | None
    partition_type: str
    airflow: AirflowSettings
    lines: dict[str, int] = dataclasses.field(default_factory=dict, compare=False, repr=False)
    sha256: str = ""  # lower-case hex SHA-256 of the file's raw bytes as parsed (sluice --spec-sha256)

    @property
    def dag_id(self) -> str:
        return f"sluice_{self.job}"

    @property
    def is_time_partitioned(self) -> bool:
        return self.partition_type in TIME_PARTITIONS

    def error(self, field: str, value: Any, rule: str) -> SpecError:
        """An error about ``field`` (e.g. ``airflow.schedule``) at its line in this file."""
        return _error(self.path, self.lines, field, value, rule)


def load(path: str | Path) -> JobSpec:
    """Read and validate one spec file; raise SpecError naming the file, line and field."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise SpecError(f"{path}: cannot read the job spec: {e}") from e
    if not isinstance(data, dict):
        raise SpecError(f"{path}: a job spec is a YAML mapping with job, partitions, source, sink, airflow")
    lines = _lines(root)
    job = _field(path, lines, data, "job", _name, required=True)
    description = _field(path, lines, data, "description", _text)
    partitions = data.get("partitions") if isinstance(data.get("partitions"), dict) else {}
    ptype = _field(path, lines, partitions, "partitions.type", _text, required=True)
    block = data.get("airflow")
    if not isinstance(block, dict):
        raise _error(path, lines, "airflow", block,
                     "required: a mapping with at least owner (README, Airflow settings)")
    settings = _settings(path, lines, block)
    return JobSpec(path, job, description, ptype, settings, lines, hashlib.sha256(raw).hexdigest())


def _settings(path: Path, lines: dict[str, int], block: dict[str, Any]) -> AirflowSettings:
    known = {f.name for f in dataclasses.fields(AirflowSettings)}
    for key in block:
        if key not in known:
            hint = difflib.get_close_matches(str(key), sorted(known), n=1)
            rule = (f"unknown field; did you mean {hint[0]}?" if hint
                    else f"unknown field; known: {', '.join(sorted(known))}")
            raise _error(path, lines, f"airflow.{key}", block[key], rule)
    values = {k: _field(path, lines, block, f"airflow.{k}", parse)
              for k, parse in _PARSERS.items() if block.get(k) is not None}
    if values.get("schedule") is not None and values.get("schedule_on"):
        raise _error(path, lines, "airflow.schedule_on", list(values["schedule_on"]),
                     "a DAG runs on a cron schedule or on assets, not both: remove airflow.schedule or this")
    others = [f"airflow.{k}" for k in ("schedule", "schedule_on") if values.get(k)]
    if values.get("trigger") and others:
        raise _error(path, lines, "airflow.trigger", block["trigger"],
                     f"a DAG runs on messages or on {others[0]}, not both: remove one of them")
    if values.get("trigger") and "max_active_runs" not in values:
        # Airflow 3.3.2 gives a DAG at max_active_runs only the first of the messages that queued
        # meanwhile; the rest wait for a later message. Room for concurrent runs avoids that; the
        # partitions running at once stay bounded by max_active_partitions.
        values["max_active_runs"] = TRIGGERED_MAX_ACTIVE_RUNS
    scheduled = values.get("schedule") is not None
    for name in ("owner",) + (("start_date", "catchup") if scheduled else ()):
        if name not in values:
            why = "required" if name == "owner" else "required when airflow.schedule is set (be explicit)"
            raise _error(path, lines, f"airflow.{name}", None, why)
    clash = set(values.get("env", ())) & {s.env for s in values.get("secrets", ())}
    if clash:
        raise _error(path, lines, "airflow.env", sorted(clash), "a name is either plain env or a secret, not both")
    return AirflowSettings(**values)


def _field(path: Path, lines: dict[str, int], block: dict[str, Any], field: str,
           parse: Callable[[Any], Any], required: bool = False) -> Any:
    key = field.rsplit(".", 1)[-1]
    if key not in block or block[key] is None:
        if required:
            raise _error(path, lines, field, None, "required")
        return None
    try:
        return parse(block[key])
    except ValueError as e:
        raise _error(path, lines, field, block[key], str(e)) from None


def _error(path: Path, lines: dict[str, int], field: str, value: Any, rule: str) -> SpecError:
    line = lines.get(field) or lines.get(field.rsplit(".", 1)[0])
    where = f"{path}:{line}" if line else str(path)
    return SpecError(f"{field} = {value!r} ({where}): {rule}")


def _lines(node: yaml.Node, prefix: str = "") -> dict[str, int]:
    """Map dotted field paths of the top two levels to their 1-based line numbers."""
    out: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = f"{prefix}{key.value}"
            out[name] = key.start_mark.line + 1
            if not prefix:
                out.update(_lines(value, f"{name}."))
    return out


# --- value parsers: raise ValueError(rule) -------------------------------------------------------

def _text(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise ValueError("must be a non-empty string")
    return v.strip()


def _name(v: Any) -> str:
    if not isinstance(v, str) or not _NAME.match(v):
        raise ValueError("must be letters, digits, '_', '.' or '-' (it becomes the dag_id sluice_<job>)")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("must be true or false")
    return v


def _int(minimum: int) -> Callable[[Any], int]:
    def parse(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise ValueError(f"must be an integer >= {minimum}")
        return v
    return parse


def parse_duration(v: Any) -> timedelta:
    """The runner's duration grammar: ``500ms``, ``30s``, ``5m``, ``1h30m``, ``1d12h``; ``0s`` is 0.

    Units from largest to smallest, each at most once; at most ``MAX_DURATION`` (3650d).
    Raises ValueError(rule) for anything else, exactly where ``Durations.parse`` (Java) does.
    """
    match = _DURATION.fullmatch(v) if isinstance(v, str) else None
    if match is None:
        raise ValueError("must be a duration such as 30s, 5m, 1h30m or 2d (units ms, s, m, h, d)")
    total, last, units = 0, -1, list(_UNIT_MS)
    limit = MAX_DURATION // timedelta(milliseconds=1)
    for digits, unit in _TERM.findall(match.group(1)):
        if units.index(unit) <= last:
            raise ValueError("units go from largest to smallest, each at most once: 1h30m, not 30m1h")
        last = units.index(unit)
        if int(digits) > (limit - total) // _UNIT_MS[unit]:
            raise ValueError(f"must be at most {MAX_DURATION.days}d")
        total += int(digits) * _UNIT_MS[unit]
    return timedelta(milliseconds=total)


def duration(v: Any) -> timedelta:
    """An ``airflow:`` duration field: the shared grammar, and longer than 0."""
    value = parse_duration(v)
    if value <= timedelta(0):
        raise ValueError("must be longer than 0")
    return value


def format_duration(value: timedelta) -> str:
    """Whole seconds in the grammar's compound form, for messages: ``1h2m3s``; ``0s``."""
    seconds, parts = int(value.total_seconds()), []
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def _schedule(v: Any) -> str:
    text = _text(v)
    if text.startswith("@") and text not in PRESETS:
        raise ValueError(f"presets are {', '.join(PRESETS)}; or give a 5-field cron, or null for manual runs only")
    if not text.startswith("@") and len(text.split()) != 5:
        raise ValueError("must be a 5-field cron expression such as '0 2 * * *', a preset like @daily, or null")
    return text


def _date(v: Any) -> date:
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None


def _queue(v: Any) -> str:
    if not isinstance(v, str) or not _QUEUE.match(v):
        raise ValueError("must be a Celery queue name: 1-200 letters, digits, '_', '.', '-' or ':' "
                         "(a worker serves it with `airflow celery worker --queues NAME`)")
    return v


def _tags(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(t, str) and t for t in v):
        raise ValueError("must be a list of strings")
    return tuple(v)


def _backend(v: Any) -> str:
    if v not in BACKENDS:
        raise ValueError(f"must be one of {', '.join(BACKENDS)}")
    return v


def _env_name(v: Any) -> str:
    if not isinstance(v, str) or not _ENV_NAME.match(v):
        raise ValueError(f"{v!r} is not an environment variable name (A-Z, 0-9, _)")
    if v in RESERVED_ENV or v.startswith("AIRFLOW_CTX_"):
        raise ValueError(f"{v} is set by Sluice itself (DB settings come from airflow.db_conn_id)")
    return v


def _env(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise ValueError("must be a list of environment variable names")
    return tuple(_env_name(x) for x in v)


def _secret(v: Any) -> SecretRef:
    if isinstance(v, str):
        return SecretRef(_env_name(v))
    if not isinstance(v, dict) or set(v) - {"env", "conn", "field"} or "env" not in v:
        raise ValueError("each entry is NAME or {env: NAME, conn: CONN_ID, field: password|login}")
    field = v.get("field", "password")
    if field not in ("password", "login"):
        raise ValueError("field must be password or login")
    return SecretRef(_env_name(v["env"]), _text(v["conn"]) if "conn" in v else None, field)


def _secrets(v: Any) -> tuple[SecretRef, ...]:
    if not isinstance(v, list):
        raise ValueError("must be a list: NAME or {env: NAME, conn: CONN_ID, field: password}")
    return tuple(_secret(x) for x in v)


def _asset(v: Any) -> str:
    if not isinstance(v, str) or not _ASSET.match(v):
        raise ValueError(f"{v!r} is not an asset name: 1-200 characters, letters, digits and _ . : / @ + -, "
                         f"starting with a letter or digit (e.g. shop_orders or sluice://shop_orders)")
    if v.lower().startswith("airflow:"):
        raise ValueError("the airflow: scheme is reserved by Airflow")
    return v


def _assets(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not v:
        raise ValueError("must be a non-empty list of asset names, e.g. [shop_orders]")
    names = tuple(_asset(x) for x in v)
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"names {', '.join(repeated)} more than once")
    return names


def _channel(v: Any) -> str:
    if not isinstance(v, str) or not _CHANNEL.match(v):
        raise ValueError(f"{v!r} is not a channel or stream name: 1-200 letters, digits and _ . : / @ + -")
    return v


def _trigger(v: Any) -> MessageTrigger:
    if not isinstance(v, dict):
        raise ValueError("must be a mapping: {broker: redis+pubsub, channels: [NAME]} "
                         "or {broker: redis+stream, stream: NAME}")
    unknown = sorted(set(v) - {f.name for f in dataclasses.fields(MessageTrigger)})
    if unknown:
        raise ValueError(f"unknown field {unknown[0]!r}; known: broker, channels, stream, group, conn_id")
    broker = v.get("broker")
    if broker not in BROKERS:
        raise ValueError(f"broker = {broker!r}: must be one of {', '.join(BROKERS)}")
    conn_id = _text(v["conn_id"]) if "conn_id" in v else "redis_default"
    if broker == "redis+pubsub":
        channels = v.get("channels")
        if not isinstance(channels, list) or not channels or "stream" in v or "group" in v:
            raise ValueError("broker redis+pubsub takes channels: a non-empty list of channel names "
                             "(stream and group belong to redis+stream)")
        return MessageTrigger(broker, tuple(_channel(c) for c in channels), conn_id=conn_id)
    if "channels" in v or "stream" not in v:
        raise ValueError("broker redis+stream takes stream: the stream's key (and optionally group); "
                         "channels belong to redis+pubsub")
    group = _channel(v["group"]) if "group" in v else None
    return MessageTrigger(broker, stream=_channel(v["stream"]), group=group, conn_id=conn_id)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "owner": _text, "schedule": _schedule, "start_date": _date, "catchup": _bool,
    "retries": _int(0), "retry_delay": duration, "max_retry_delay": duration,
    "execution_timeout": duration, "max_active_partitions": _int(1), "max_active_runs": _int(1),
    "pool": _text, "queue": _queue, "tags": _tags, "backend": _backend, "image": _text, "db_conn_id": _text,
    "env": _env, "secrets": _secrets, "reschedule_timeout": duration,
    "outlets": _assets, "schedule_on": _assets, "trigger": _trigger,
}
