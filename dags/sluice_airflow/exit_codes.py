"""The runner's exit codes and what Airflow does with each: the one mapping on the Python side.

The runner (``sluice plan|run``) documents its codes in the README; this module turns a finished
process (exit code + JSON summary) into an Airflow outcome, the same way for every backend.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from typing import Any

from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowRescheduleException

from sluice_airflow.spec import format_duration

DONE = 0
USAGE = 64        # bad arguments: fix the DAG or the trigger params
DATA = 65         # data errors beyond the allowed dead letters
SOFTWARE = 70     # a bug in the runner: retrying may help, and at worst costs the retries
TEMPFAIL = 75     # API down, breaker open, lease held, quota exhausted (then resume_at is set)
CONFIG = 78       # the job spec or a secret is wrong


class Action(enum.Enum):
    SUCCEED = "succeed"
    RETRY = "retry"   # raise a plain exception: Airflow retries with exponential backoff
    FAIL = "fail"     # AirflowFailException: no retry can help
    WAIT = "wait"     # reschedule at resume_at: no worker slot held, no retry spent


_PERMANENT = {USAGE: "usage error", DATA: "data error", CONFIG: "configuration error"}


class RunnerFailed(AirflowException):
    """A retryable runner failure (exit code 75, 70, or anything unknown such as 137 = killed)."""


class WaitedTooLong(AirflowFailException):
    """The runner keeps asking to resume later, past ``airflow.reschedule_timeout``: failed, no retry."""


def action_for(exit_code: int, summary: dict[str, Any] | None) -> Action:
    """What Airflow should do after the runner exited with ``exit_code``."""
    if exit_code == DONE:
        return Action.SUCCEED
    if exit_code in _PERMANENT:
        return Action.FAIL
    if exit_code == TEMPFAIL and summary and summary.get("resume_at"):
        try:
            resume_at(summary)
        except ValueError:
            return Action.RETRY  # an unreadable resume_at must not park the partition forever
        return Action.WAIT
    return Action.RETRY


def resume_at(summary: dict[str, Any]) -> datetime:
    """The summary's ``resume_at`` (ISO 8601) as an aware UTC datetime."""
    value = str(summary["resume_at"]).replace("Z", "+00:00")
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def raise_for(exit_code: int, summary: dict[str, Any] | None, what: str, *,
              waiting_since: datetime | None = None, reschedule_timeout: timedelta | None = None,
              now: datetime | None = None) -> None:
    """Return on success, else raise the exception that makes Airflow do the right thing.

    ``what`` names the invocation in messages, e.g. ``sluice run orders 2026-11-01``. A wait
    (exit 75 with ``resume_at``) is a reschedule only while ``resume_at`` is within
    ``reschedule_timeout`` of ``waiting_since`` (when this try first ran); past that it fails.
    """
    action = action_for(exit_code, summary)
    if action is Action.SUCCEED:
        return
    message = (summary or {}).get("message") or (summary or {}).get("error") or "no summary on stdout"
    if action is Action.WAIT:
        moment = resume_at(summary)  # type: ignore[arg-type]
        if waiting_since and reschedule_timeout and moment > waiting_since + reschedule_timeout:
            raise WaitedTooLong(_too_long(what, message, moment, waiting_since, reschedule_timeout,
                                          now or datetime.now(UTC)))
        raise AirflowRescheduleException(moment)
    if action is Action.FAIL:
        kind = _PERMANENT[exit_code]
        raise AirflowFailException(f"{what} exited {exit_code} ({kind}, not retried): {message}")
    raise RunnerFailed(f"{what} exited {exit_code} (temporary, Airflow retries): {message}")


def _too_long(what: str, message: str, moment: datetime, since: datetime, timeout: timedelta, now: datetime) -> str:
    return (f"{what} stopped waiting after {format_duration(now - since)} (since {_utc(since)}): exited 75 "
            f"({message}) asking to resume at {_utc(moment)}, past airflow.reschedule_timeout = "
            f"{format_duration(timeout)} (until {_utc(since + timeout)}). Failed, not retried: clear the "
            f"task to resume from its watermark, or raise airflow.reschedule_timeout")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
