"""The runner's exit codes map to Airflow outcomes in one place."""

from datetime import UTC, datetime, timedelta

import pytest
from airflow.sdk.exceptions import AirflowFailException, AirflowRescheduleException

from sluice_airflow import exit_codes
from sluice_airflow.exit_codes import Action, RunnerFailed, WaitedTooLong

QUOTA = {"status": "retry_later", "resume_at": "2026-11-29T00:00:00Z", "message": "daily quota used up"}


@pytest.mark.parametrize("code, summary, action", [
    (0, {"status": "done"}, Action.SUCCEED),
    (0, {"status": "already_complete"}, Action.SUCCEED),
    (75, {"status": "retry_later"}, Action.RETRY),
    (75, None, Action.RETRY),
    (75, QUOTA, Action.WAIT),
    (75, {**QUOTA, "resume_at": "tomorrow"}, Action.RETRY),
    (70, {"status": "failed"}, Action.RETRY),
    (137, None, Action.RETRY),  # killed (OOM): retrying may help
    (1, None, Action.RETRY),
    (78, {"status": "failed"}, Action.FAIL),
    (65, {"status": "failed"}, Action.FAIL),
    (64, None, Action.FAIL),
    (78, QUOTA, Action.FAIL),  # resume_at only matters with 75
])
def test_action_for_each_exit_code(code, summary, action):
    assert exit_codes.action_for(code, summary) is action


def test_success_raises_nothing():
    exit_codes.raise_for(0, {"status": "done"}, "sluice run orders 2026-11-01")


@pytest.mark.parametrize("code, kind", [(78, "configuration error"), (65, "data error"), (64, "usage error")])
def test_permanent_failures_skip_the_retries(code, kind):
    expected = f"sluice run orders 2026-11-01 exited {code} \\({kind}, not retried\\): boom"
    with pytest.raises(AirflowFailException, match=expected):
        exit_codes.raise_for(code, {"message": "boom"}, "sluice run orders 2026-11-01")


def test_a_spec_error_names_the_runners_error_field():
    with pytest.raises(AirflowFailException, match="exited 78 .*: job spec j.yaml is invalid"):
        exit_codes.raise_for(78, {"command": "plan", "status": "error", "exit_code": 78,
                                  "error": "job spec j.yaml is invalid"}, "sluice plan orders")


@pytest.mark.parametrize("code", [75, 70, 1])
def test_temporary_failures_raise_a_retryable_exception(code):
    with pytest.raises(RunnerFailed) as e:
        exit_codes.raise_for(code, None, "sluice run orders 2026-11-01")
    assert not isinstance(e.value, AirflowFailException)
    assert "no summary on stdout" in str(e.value)


def test_quota_exhausted_reschedules_at_resume_at():
    with pytest.raises(AirflowRescheduleException) as e:
        exit_codes.raise_for(75, QUOTA, "sluice run orders 2026-11-01")
    assert e.value.reschedule_date == datetime(2026, 11, 29, tzinfo=UTC)


def test_resume_at_accepts_offsets_and_naive_utc():
    assert exit_codes.resume_at({"resume_at": "2026-11-29T01:00:00+01:00"}) == datetime(2026, 11, 29, tzinfo=UTC)
    assert exit_codes.resume_at({"resume_at": "2026-11-29T00:00:00"}).tzinfo is UTC


SINCE = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # when the try first ran; QUOTA resumes 6 h later


@pytest.mark.parametrize("timeout", [timedelta(hours=6), timedelta(days=1), None])
def test_a_wait_that_ends_within_reschedule_timeout_is_a_reschedule(timeout):
    with pytest.raises(AirflowRescheduleException) as e:
        exit_codes.raise_for(75, QUOTA, "sluice run orders 2026-11-01", waiting_since=SINCE, reschedule_timeout=timeout)
    assert e.value.reschedule_date == datetime(2026, 11, 29, tzinfo=UTC)


def test_a_wait_past_reschedule_timeout_fails_without_retry_saying_how_long_and_why():
    now = SINCE + timedelta(hours=3, minutes=59, seconds=30)
    with pytest.raises(WaitedTooLong) as e:
        exit_codes.raise_for(75, QUOTA, "sluice run orders 2026-11-01", waiting_since=SINCE,
                             reschedule_timeout=timedelta(hours=4), now=now)
    assert isinstance(e.value, AirflowFailException)  # Airflow fails it, whatever retries are left
    assert str(e.value) == (
        "sluice run orders 2026-11-01 stopped waiting after 3h59m30s (since 2026-11-28T18:00:00Z): exited 75 "
        "(daily quota used up) asking to resume at 2026-11-29T00:00:00Z, past airflow.reschedule_timeout = 4h "
        "(until 2026-11-28T22:00:00Z). Failed, not retried: clear the task to resume from its watermark, "
        "or raise airflow.reschedule_timeout")


def test_the_bound_only_applies_to_waits():
    with pytest.raises(RunnerFailed):
        exit_codes.raise_for(75, {"status": "retry_later"}, "sluice run orders 2026-11-01", waiting_since=SINCE,
                             reschedule_timeout=timedelta(seconds=1))
