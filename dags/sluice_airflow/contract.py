"""The runner's side of the contract, as Airflow sees it: the environment every backend hands to
``sluice`` and the JSON summary it prints last on stdout.

Environment (same names on every backend):
- ``AIRFLOW_CTX_DAG_ID``, ``AIRFLOW_CTX_DAG_RUN_ID``, ``AIRFLOW_CTX_TASK_ID``,
  ``AIRFLOW_CTX_TRY_NUMBER``, ``AIRFLOW_CTX_MAP_INDEX``: the attempt, for diagnostics;
- ``TRACEPARENT``/``TRACESTATE``: the task's current OpenTelemetry span, when there is one;
- ``SLUICE_DB_URL``, ``SLUICE_DB_USER``: from the Airflow connection ``airflow.db_conn_id``, else
  the worker's environment; absent means the runner's embedded default;
- the names listed in ``airflow.env``, copied from the worker's environment;
- secrets, never templated, rendered or logged: ``SLUICE_DB_PASSWORD`` and ``airflow.secrets``.
Values are computed at run time only (no connection is read while parsing DAGs).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any

from airflow.sdk import Connection
from airflow.sdk.exceptions import AirflowNotFoundException
from airflow.sdk.log import mask_secret

DB_PASSWORD = "SLUICE_DB_PASSWORD"


def attempt_env(context: Mapping[str, Any]) -> dict[str, str]:
    ti = context["ti"]
    return {
        "AIRFLOW_CTX_DAG_ID": ti.dag_id,
        "AIRFLOW_CTX_DAG_RUN_ID": ti.run_id,
        "AIRFLOW_CTX_TASK_ID": ti.task_id,
        "AIRFLOW_CTX_TRY_NUMBER": str(ti.try_number),
        "AIRFLOW_CTX_MAP_INDEX": str(ti.map_index if ti.map_index is not None else -1),
    }


def trace_env() -> dict[str, str]:
    """W3C trace context of the current span as env vars (OTel env carriers), or nothing."""
    try:
        from opentelemetry.propagate import inject
    except ImportError:
        return {}
    carrier: dict[str, str] = {}
    inject(carrier)
    return {k.upper(): v for k, v in carrier.items() if k in ("traceparent", "tracestate")}


def db_connection(conn_id: str) -> Any | None:
    try:
        return Connection.get(conn_id)
    except AirflowNotFoundException:
        return None


def db_env(conn: Any | None, environ: Mapping[str, str]) -> dict[str, str]:
    """``SLUICE_DB_URL``/``SLUICE_DB_USER`` from the connection, else from the worker's env."""
    if conn is None:
        return {k: environ[k] for k in ("SLUICE_DB_URL", "SLUICE_DB_USER") if environ.get(k)}
    extra = conn.extra_dejson or {}
    url = extra.get("jdbc_url") or f"jdbc:postgresql://{conn.host}:{conn.port or 5432}/{conn.schema or 'sluice'}"
    return {"SLUICE_DB_URL": url, **({"SLUICE_DB_USER": conn.login} if conn.login else {})}


def public_env(context: Mapping[str, Any], conn: Any | None, forward: Iterable[str],
               environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Everything the runner gets that is not a secret (safe to show in a pod spec)."""
    env = {k: environ[k] for k in forward if k in environ}
    return {**env, **db_env(conn, environ), **attempt_env(context), **trace_env()}


def secret_env(conn: Any | None, secrets: Iterable[Mapping[str, Any]],
               environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Secret values for docker/subprocess, each registered with Airflow's log masker.

    A secret that is not set is not forwarded: the runner then applies the spec's
    ``${NAME:-default}`` or fails with its own configuration error (exit 78).
    """
    values: dict[str, str] = {}
    password = conn.password if conn is not None else environ.get(DB_PASSWORD)
    if password:
        values[DB_PASSWORD] = password
    for ref in secrets:
        value = _secret_value(ref, environ)
        if value:
            values[ref["env"]] = value
    for value in values.values():
        mask_secret(value)
    return values


def secret_names(secrets: Iterable[Mapping[str, Any]]) -> list[str]:
    return [DB_PASSWORD] + [ref["env"] for ref in secrets]


def _secret_value(ref: Mapping[str, Any], environ: Mapping[str, str]) -> str | None:
    if ref.get("conn"):
        conn = db_connection(ref["conn"])
        return getattr(conn, ref.get("field") or "password", None) if conn else None
    return environ.get(ref["env"])


def find_summary(lines: Iterable[str]) -> dict[str, Any] | None:
    """The runner's JSON summary: the last line that is a JSON object in one of its shapes:

    - a run: ``{"job", "partition", "status", "exit_code", ...}``;
    - a plan: ``{"job", "partitions", "count"}``;
    - a run that failed before its partition started (bad spec 78, bad partition 64, database
      unreachable 75): ``{"spec", "partition", "status", "exit_code", "message"}``;
    - any command that failed on its arguments or spec: ``{"command", "status": "error",
      "exit_code", "error"}``.

    Docker and subprocess hand over stdout only. Kubernetes logs mix stdout with the JSON log
    lines of stderr, which may follow the summary (shutdown hooks), hence the scan from the end.
    """
    for line in reversed([line.strip() for line in lines if line and line.strip()]):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and _is_summary(value):
            return value
    return None


def _is_summary(value: Mapping[str, Any]) -> bool:
    if "job" in value:
        return "status" in value or "partitions" in value
    return ("spec" in value or "command" in value) and "status" in value and "exit_code" in value
