"""The stream trigger's broker side on a real redis-server, without Airflow's triggerer: what it
reads, what it acknowledges, and what a restarted triggerer reads again. The whole path through
Airflow is test_events.py."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time

import celery_stack
import pytest
import redis
from airflow.triggers.shared_stream import AdvanceItem, AdvanceOutcome

from sluice_airflow import redis_stream

STREAM, GROUP = "sluice:test", "sluice_test"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    binary = celery_stack.redis_server()
    if binary is None:
        message = "NO redis-server (Debian package redis-server): the stream trigger tests did not run"
        if os.environ.get("SLUICE_REQUIRE_REDIS"):
            pytest.fail(message + " (SLUICE_REQUIRE_REDIS is set)")
        pytest.skip(message)
    port = celery_stack.free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                                "no", "--dir", str(tmp_path_factory.mktemp("redis"))], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port, decode_responses=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not answer within 30 s"
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def client(server, monkeypatch):
    async def connect(conn_id):
        assert conn_id == "redis_default"
        return redis.asyncio.Redis(port=server, decode_responses=True)

    monkeypatch.setattr(redis_stream, "connect", connect)
    sync = redis.Redis(port=server, decode_responses=True)
    sync.delete(STREAM)
    return sync


def _read(n: int) -> list[tuple[dict, str]]:
    """The first ``n`` items of a new producer's stream (a new poll, as after a triggerer restart)."""
    async def go():
        producer = redis_stream.RedisStreamProducer(stream=STREAM, group=GROUP, conn_id="redis_default")
        stream, items = producer.open_stream(), []
        async for item in stream:
            items.append(item)
            if len(items) == n:
                break
        await stream.aclose()
        return producer, items
    return asyncio.run(go())


def _advance(producer, ids: list[str], outcome: AdvanceOutcome) -> None:
    async def go():
        producer.client = redis.asyncio.Redis(port=producer.client.connection_pool.connection_kwargs["port"],
                                              decode_responses=True)
        try:
            await producer.advance([AdvanceItem(i, outcome) for i in ids])
        finally:
            await producer.aclose()
    asyncio.run(go())


STORED = AdvanceOutcome(acked=1, failed=0)


def test_entries_are_read_in_order_with_their_message_and_acknowledged_only_when_advanced(client):
    ids = [client.xadd(STREAM, {"message": f'{{"partitions": ["k{i}"]}}'}) for i in range(3)]
    producer, items = _read(3)
    assert items == [({"stream": STREAM, "id": i, "data": f'{{"partitions": ["k{n}"]}}'}, i) for n, i in enumerate(ids)]
    assert client.xpending(STREAM, GROUP)["pending"] == 3  # read, not yet stored: not acknowledged

    _advance(producer, ids[:2], STORED)
    assert client.xpending(STREAM, GROUP)["pending"] == 1


def test_a_restarted_reader_gets_the_unacknowledged_entries_first_then_the_new_ones(client):
    first = [client.xadd(STREAM, {"message": "a"}), client.xadd(STREAM, {"message": "b"})]
    producer, _ = _read(2)
    _advance(producer, first[:1], STORED)  # "b" was read but its event never confirmed stored
    later = client.xadd(STREAM, {"message": "c"})

    _, items = _read(2)
    assert [payload for _, payload in items] == [first[1], later]


def test_an_entry_whose_event_was_not_stored_stays_pending_and_the_poll_ends(client):
    (entry,) = [client.xadd(STREAM, {"message": "x"})]
    producer, _ = _read(1)
    with pytest.raises(RuntimeError, match=f"entries \\['{entry}'\\] were not stored"):
        _advance(producer, [entry], AdvanceOutcome(acked=0, failed=1))
    assert client.xpending(STREAM, GROUP)["pending"] == 1
    _, again = _read(1)
    assert again[0][1] == entry


def test_a_new_group_starts_at_the_streams_beginning_and_an_existing_one_keeps_its_position(client):
    client.xadd(STREAM, {"message": "before the first reader"})
    _, items = _read(1)
    assert items[0][0]["data"] == "before the first reader"
    assert client.xinfo_groups(STREAM)[0]["name"] == GROUP


def test_an_entry_without_a_message_field_is_delivered_with_no_text_for_the_plan_to_refuse(client):
    client.xadd(STREAM, {"other": "x"})
    _, items = _read(1)
    assert items[0][0]["data"] is None
