"""DAG runs started by broker messages, on a real Redis and a real Airflow (events_stack.py:
api-server, dag-processor, scheduler, triggerer). Two jobs: one on a Redis pub/sub channel through
Airflow's MessageQueueTrigger, one on a Redis stream through Sluice's acknowledging trigger. The
runner is the stand-in fake_sluice.py (its log is the ground truth of what ran); a run's messages
are read back from the asset events Airflow linked to it.

The delivery guarantees under test (README "Runs started by messages"):
- pub/sub: at most once. A message reaches only the connections subscribed when it is published,
  and the provider's trigger reads one message per subscription, then ends and is started again.
  So a message published while the triggerer is down is lost, and so are the messages published
  between two subscriptions, or in a burst behind the one it read (measured below). The tests
  publish each message only once Redis counts a subscriber (PUBSUB NUMSUB) and its run exists.
- stream: at least once. Entries stay in Redis; one is acknowledged only after Airflow stored its
  event, so entries added while the triggerer is down run after it restarts; an entry read but not
  yet confirmed stored when it stopped may run twice.

Without Debian's redis-server every test here is SKIPPED with the reason (``SLUICE_REQUIRE_REDIS=1``,
set by .ci/run: a failure). Run: ``make test-dags-events`` (part of ``make test``).
"""

from __future__ import annotations

import json
import os
import sys
import time

import pytest
from events_stack import EventStack

from conftest import DAGS, write_spec

pytestmark = pytest.mark.events

PUBSUB, STREAM = "sluice_events_pubsub", "sluice_events_stream"
CHANNEL, STREAM_KEY = "sluice-events", "sluice:events"
BASE = "  owner: qa\n  backend: subprocess\n  retries: 1\n  retry_delay: 1s\n"  # max_active_runs: 16, the default
CAPPED, CAPPED_KEY = "sluice_events_capped", "sluice:capped"
SLOW = "2026-08-01"  # a partition the stand-in runner reschedules once, so that its run stays active


@pytest.fixture(scope="module")
def stack(airflow_stack):
    def write_jobs(jobs):
        write_spec(jobs, "events_pubsub", BASE + f"  trigger: {{broker: redis+pubsub, channels: [{CHANNEL}]}}\n")
        write_spec(jobs, "events_stream", BASE + f"  trigger: {{broker: redis+stream, stream: '{STREAM_KEY}'}}\n")
        write_spec(jobs, "events_capped", BASE + "  max_active_runs: 1\n"
                   f"  trigger: {{broker: redis+stream, stream: '{CAPPED_KEY}'}}\n")

    def make(base, dags, metadata):
        launcher = base / "fake-sluice"
        launcher.write_text(f"#!/bin/sh\nexec {sys.executable} {DAGS / 'tests' / 'fake_sluice.py'} \"$@\"\n")
        launcher.chmod(0o755)
        return EventStack(base, dags, metadata, {"SLUICE_BIN": str(launcher),
                                                 "SLUICE_FAKE_LOG": str(base / "runner.log"),
                                                 "SLUICE_FAKE_SCRIPT": json.dumps({SLOW: ["75r", 0]}),
                                                 "SLUICE_FAKE_RESUME_S": "20"})

    s = airflow_stack("events", make, write_jobs)
    s.await_dags({PUBSUB, STREAM, CAPPED})
    return s


def _message(month: int, i: int) -> str:
    """Message ``i`` of a test: two days of its own month, so every message names its own keys."""
    return json.dumps({"partitions": [f"2026-{month:02d}-{2 * i + 1:02d}", f"2026-{month:02d}-{2 * i + 2:02d}"]})


def _ran(stack: EventStack, dag_id: str) -> dict[str, list[str]]:
    """What the runner ran, by DAG run: partition keys in call order (fake_sluice.py's log)."""
    out: dict[str, list[str]] = {}
    log = stack.base / "runner.log"
    for line in log.read_text().splitlines() if log.exists() else []:
        call = json.loads(line)
        if call["argv"][0] == "run" and call["env"]["AIRFLOW_CTX_DAG_ID"] == dag_id:
            partition = call["argv"][call["argv"].index("--partition") + 1]
            out.setdefault(call["env"]["AIRFLOW_CTX_DAG_RUN_ID"], []).append(partition)
    return out


def _keys(payloads: list[dict]) -> list[str]:
    return sorted({k for p in payloads for k in json.loads(p["data"])["partitions"]})


def _assert_each_run_ran_exactly_its_messages(stack: EventStack, dag_id: str, runs: list[dict]) -> None:
    ran = _ran(stack, dag_id)
    for run in runs:
        assert run["state"] == "success", run
        assert sorted(ran.get(run["run_id"], [])) == _keys(run["payloads"]), (run, ran.get(run["run_id"]))


def _in_own_run(stack: EventStack, dag_id: str, send) -> None:
    """Send one message and wait until Airflow created a run for it: a message that arrives while a
    run is being created joins that run (Airflow batches asset events), so N runs need this spacing."""
    before = len(stack.runs(dag_id))
    send()
    deadline = time.monotonic() + 300
    while len(stack.runs(dag_id)) == before:
        assert time.monotonic() < deadline, f"{dag_id}: no run for the message within 300 s; logs in {stack.base}"
        time.sleep(0.5)


def _publish_when_heard(stack: EventStack, text: str) -> None:
    stack.await_listener(CHANNEL)
    assert stack.redis().publish(CHANNEL, text) == 1  # Redis handed it to the one subscriber


def _delivered(runs: list[dict]) -> list[str]:
    return [p["data"] for r in runs for p in r["payloads"]]


# --- pub/sub: at most once ---------------------------------------------------------------------------

def test_pubsub_n_messages_give_n_runs_each_of_exactly_its_partitions(stack):
    sent = [_message(1, i) for i in range(4)]
    for text in sent:
        _in_own_run(stack, PUBSUB, lambda t=text: _publish_when_heard(stack, t))

    runs = stack.await_runs(PUBSUB, len(sent))
    assert len(runs) == 4 and [r["payloads"][0]["data"] for r in runs] == sent
    assert all(len(r["payloads"]) == 1 for r in runs)
    _assert_each_run_ran_exactly_its_messages(stack, PUBSUB, runs)


def test_pubsub_messages_published_while_the_triggerer_is_down_are_lost_the_others_run(stack):
    earlier = len(stack.runs(PUBSUB))
    before, during, after = [_message(2, i) for i in (0, 1)], [_message(2, i) for i in (2, 3)], \
        [_message(2, i) for i in (4, 5)]
    for text in before:
        _in_own_run(stack, PUBSUB, lambda t=text: _publish_when_heard(stack, t))
    stack.stop_triggerer()
    for text in during:
        assert stack.redis().publish(CHANNEL, text) == 0  # nobody subscribed: Redis dropped it, by design
    started = time.monotonic()
    stack.start_triggerer()
    stack.await_listener(CHANNEL, timeout=300)
    print(f"\npub/sub: the restarted triggerer listened again after {time.monotonic() - started:.1f} s; "
          f"load {os.getloadavg()[0]:.1f}")
    for text in after:
        _in_own_run(stack, PUBSUB, lambda t=text: _publish_when_heard(stack, t))

    runs = stack.await_runs(PUBSUB, earlier + 4)[earlier:]
    assert _delivered(runs) == before + after  # the two sent while it was down never ran
    _assert_each_run_ran_exactly_its_messages(stack, PUBSUB, runs)
    ran = {k for keys in _ran(stack, PUBSUB).values() for k in keys}
    assert not ran & set(_keys([{"data": t} for t in during]))


def test_pubsub_a_burst_loses_the_messages_behind_the_one_the_trigger_read(stack):
    """Measures the provider's re-subscription: each AwaitMessageTrigger reads one message and ends;
    the others, already delivered to its connection, go with it. A listener was there for all."""
    earlier = len(stack.runs(PUBSUB))
    burst = [_message(3, i) for i in range(5)]
    stack.await_listener(CHANNEL)
    # One MULTI/EXEC: Redis delivers the whole burst before the trigger can read its first message
    # and unsubscribe (published one by one, a loaded machine let it leave mid-burst: [1, 1, 1, 0, 0]).
    pipe = stack.redis().pipeline(transaction=True)
    for text in burst:
        pipe.publish(CHANNEL, text)
    receivers = pipe.execute()
    assert receivers == [1] * len(burst)
    # A last message, once, on the next subscription (the burst's run exists, so the trigger that
    # read it has ended): once its run exists, no burst message is still on its way.
    _await_runs_count(stack, PUBSUB, earlier + 1)
    sentinel = _message(3, 10)
    _publish_when_heard(stack, sentinel)
    deadline = time.monotonic() + 300
    while sentinel not in _delivered(stack.runs(PUBSUB)[earlier:]):
        assert time.monotonic() < deadline, "the sentinel message did not run within 300 s"
        time.sleep(1)
    runs = stack.await_runs(PUBSUB, earlier + 1)[earlier:]
    delivered = [t for t in _delivered(runs) if t in burst]
    print(f"\npub/sub burst: {len(burst)} messages published back to back to a listening trigger, "
          f"{len(delivered)} ran, {len(burst) - len(delivered)} lost; load {os.getloadavg()[0]:.1f}")
    assert 1 <= len(delivered) < len(burst), "the provider's trigger read more than one message per subscription"
    assert len(set(_delivered(runs))) == len(_delivered(runs))  # none twice
    _assert_each_run_ran_exactly_its_messages(stack, PUBSUB, runs)


def _await_runs_count(stack: EventStack, dag_id: str, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while len(stack.runs(dag_id)) < count:
        assert time.monotonic() < deadline, f"{dag_id}: fewer than {count} runs within {timeout:.0f} s"
        time.sleep(0.5)


# --- stream: at least once ---------------------------------------------------------------------------

def _add(stack: EventStack, text: str) -> str:
    return stack.redis().xadd(STREAM_KEY, {"message": text})


def _pending(stack: EventStack, ids: dict[str, str]) -> set[str]:
    """The texts of ``ids`` (text → entry id) read by the trigger but not acknowledged yet."""
    pending = {p["message_id"] for p in stack.redis().xpending_range(STREAM_KEY, STREAM, "-", "+", 100)}
    return {text for text, entry in ids.items() if entry in pending}


def _await_all_ran(stack: EventStack, sent: list[str], release: str) -> int:
    """Until every entry of ``sent`` ran; returns how many Airflow left without a run until the
    ``release`` entry came (an event stored while the scheduler created a run of the same DAG waits
    for the asset's next event in Airflow 3.3.2): stored, acknowledged, and run with the next one."""
    deadline, stranded = time.monotonic() + 600, []
    while not set(sent) <= set(_delivered(stack.runs(STREAM))):
        assert time.monotonic() < deadline, f"entries not run within 600 s: {stack.runs(STREAM)}"
        if not stranded and all(r["state"] in ("success", "failed") for r in stack.runs(STREAM)):
            stranded = [p["data"] for p in stack.stranded(STREAM)]
            if stranded:
                assert set(stranded) <= set(sent), stranded
                _add(stack, release)
        time.sleep(1)
    if stranded:
        deadline = time.monotonic() + 300
        while release not in _delivered(stack.runs(STREAM)):
            assert time.monotonic() < deadline, "the releasing entry did not run within 300 s"
            time.sleep(1)
    return len(stranded)


def test_stream_n_entries_give_n_runs_each_of_exactly_its_partitions(stack):
    sent = [_message(4, i) for i in range(4)]
    ids = []
    for text in sent:
        _in_own_run(stack, STREAM, lambda t=text: ids.append(_add(stack, t)))

    runs = stack.await_runs(STREAM, len(sent))
    assert [r["payloads"][0]["data"] for r in runs] == sent and all(len(r["payloads"]) == 1 for r in runs)
    assert [r["payloads"][0]["id"] for r in runs] == ids
    _assert_each_run_ran_exactly_its_messages(stack, STREAM, runs)
    # Each entry is acknowledged once Airflow confirmed its event stored: none stays pending.
    deadline = time.monotonic() + 120
    while stack.redis().xpending(STREAM_KEY, STREAM)["pending"]:
        assert time.monotonic() < deadline, stack.redis().xpending(STREAM_KEY, STREAM)
        time.sleep(0.5)


def test_stream_entries_added_while_the_triggerer_is_down_run_after_it_restarts_none_lost(stack):
    earlier = len(stack.runs(STREAM))
    before, during, after = [_message(5, i) for i in (0, 1)], [_message(5, i) for i in (2, 3)], \
        [_message(5, i) for i in (4, 5)]
    ids: dict[str, str] = {}
    for text in before:
        _in_own_run(stack, STREAM, lambda t=text: ids.update({t: _add(stack, t)}))
    unacknowledged = _pending(stack, ids)
    stack.stop_triggerer()
    for text in during:
        ids[text] = _add(stack, text)
    stack.start_triggerer()
    for text in after:
        _in_own_run(stack, STREAM, lambda t=text: ids.update({t: _add(stack, t)}))

    sent, release = before + during + after, _message(5, 9)
    stranded = _await_all_ran(stack, sent, release)
    runs = stack.await_runs(STREAM, earlier + 1)[earlier:]
    delivered = _delivered(runs)
    assert set(delivered) == set(sent) | ({release} if stranded else set())  # none lost, none invented
    twice = {t for t in delivered if delivered.count(t) > 1}
    # At least once: only an entry read but not yet acknowledged at the stop may run again.
    assert twice <= unacknowledged, (twice, unacknowledged)
    _assert_each_run_ran_exactly_its_messages(stack, STREAM, runs)
    print(f"\nstream restart: {len(sent)} entries ({len(during)} added while the triggerer was down) -> "
          f"{len(runs)} runs, {len(twice)} entry delivered twice, {stranded} waited for a later entry (Airflow); "
          f"load {os.getloadavg()[0]:.1f}")


def test_stream_an_entry_added_just_before_the_triggerer_is_killed_runs_after_the_restart(stack):
    """SIGKILL right after XADD: the entry is unread, or read and not stored, or stored and not
    acknowledged; in each case it runs after the restart (possibly twice), as does one added while
    no triggerer ran."""
    earlier, warm = len(stack.runs(STREAM)), _message(6, 0)
    ids = {warm: ""}
    _in_own_run(stack, STREAM, lambda: ids.update({warm: _add(stack, warm)}))  # a listening triggerer
    at_kill, while_dead = _message(6, 1), _message(6, 2)
    unacknowledged = _pending(stack, ids) | {at_kill}
    _add(stack, at_kill)
    stack.kill_triggerer()
    _add(stack, while_dead)
    stack.start_triggerer()

    stranded = _await_all_ran(stack, [at_kill, while_dead], _message(6, 9))
    runs = stack.await_runs(STREAM, earlier + 2)[earlier:]
    delivered = _delivered(runs)
    twice = {t for t in delivered if delivered.count(t) > 1}
    assert twice <= unacknowledged, (twice, unacknowledged)  # at least once, and only those
    _assert_each_run_ran_exactly_its_messages(stack, STREAM, runs)
    deadline = time.monotonic() + 120
    while stack.redis().xpending(STREAM_KEY, STREAM)["pending"]:  # all acknowledged in the end
        assert time.monotonic() < deadline, stack.redis().xpending(STREAM_KEY, STREAM)
        time.sleep(0.5)
    print(f"\nstream kill: the entry added at the SIGKILL ran {delivered.count(at_kill)} time(s), the one "
          f"added while no triggerer ran {delivered.count(while_dead)}, the one before {delivered.count(warm)} "
          f"(unacknowledged at the kill: {len(unacknowledged) - 1}); {stranded} waited for a later entry "
          f"(Airflow); load {os.getloadavg()[0]:.1f}")


def test_a_malformed_message_fails_its_run_loudly_without_retry_and_runs_nothing(stack):
    earlier = len(stack.runs(STREAM))
    _in_own_run(stack, STREAM, lambda: _add(stack, '{"partitions": "2026-07-01"}'))
    (run,) = stack.await_runs(STREAM, earlier + 1)[earlier:]
    assert run["state"] == "failed"
    plan = stack.task_instances(STREAM, run["run_id"], "plan")
    assert [(t["state"], t["try_number"]) for t in plan] == [("failed", 1)]  # retries: 1, not spent
    assert run["run_id"] not in _ran(stack, STREAM)  # no partition ran
    log = "\n".join(p.read_text() for p in (stack.base / "airflow-home" / "logs").rglob("attempt=1.log")
                    if p.parent.name == "task_id=plan" and run["run_id"] in str(p))
    assert f"the message from {STREAM_KEY} entry" in log and "must be a list of partition keys" in log

    # The stream moved on: the next entry runs, and the bad one is not read again.
    good = _message(7, 1)
    _in_own_run(stack, STREAM, lambda: _add(stack, good))
    runs = stack.await_runs(STREAM, earlier + 2)[earlier:]
    assert [r["state"] for r in runs] == ["failed", "success"] and _delivered(runs)[-1] == good
    _assert_each_run_ran_exactly_its_messages(stack, STREAM, runs[1:])


def test_messages_queued_while_the_dag_is_at_max_active_runs_wait_for_a_later_message(stack):
    """Airflow 3.3.2's second gap, measured (why a job with airflow.trigger allows 16 runs at once):
    at max_active_runs = 1, two entries arrive while a run is active; when it ends, the next run
    takes only the first, and the second waits, stored and acknowledged, for a later entry."""
    redis_ = stack.redis()
    slow, queued, waiting, later = (json.dumps({"partitions": [k]}) for k in (SLOW, "2026-08-02", "2026-08-03",
                                                                             "2026-08-04"))
    _in_own_run(stack, CAPPED, lambda: redis_.xadd(CAPPED_KEY, {"message": slow}))
    redis_.xadd(CAPPED_KEY, {"message": queued})
    redis_.xadd(CAPPED_KEY, {"message": waiting})

    runs = stack.await_runs(CAPPED, 2)
    assert [r["payloads"][0]["data"] for r in runs] == [slow, queued] and len(runs[1]["payloads"]) == 1
    assert stack.runs(CAPPED)[0]["state"] == "success"
    deadline = time.monotonic() + 60
    while [p["data"] for p in stack.stranded(CAPPED)] != [waiting]:  # stored, no run, nothing queued
        assert time.monotonic() < deadline, (stack.stranded(CAPPED), stack.runs(CAPPED))
        time.sleep(1)
    assert redis_.xpending(CAPPED_KEY, CAPPED)["pending"] == 0  # Sluice's side is done: acknowledged

    redis_.xadd(CAPPED_KEY, {"message": later})
    runs = stack.await_runs(CAPPED, 3)
    assert len(runs) == 3 and sorted(p["data"] for p in runs[2]["payloads"]) == sorted([waiting, later])
    assert sorted(set(_ran(stack, CAPPED)[runs[0]["run_id"]])) == [SLOW]  # rescheduled once, then done
    _assert_each_run_ran_exactly_its_messages(stack, CAPPED, runs[1:])
