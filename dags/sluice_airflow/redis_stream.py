"""A Redis Stream as the source of a job's messages, with nothing lost across triggerer restarts.

Redis pub/sub forgets a message that no subscriber hears; a stream keeps every entry until it is
trimmed. ``RedisStreamTrigger`` reads the stream through a consumer group and acknowledges
(``XACK``) an entry only after Airflow stored the asset event made from it: it runs in the
triggerer's *ack mode* for shared streams (Airflow 3.3, ``airflow.triggers.shared_stream``), which
calls ``advance`` for events whose trigger events the metadata database confirmed. An entry that
was delivered but not yet acknowledged when the triggerer stopped stays in the group's pending
list and is read again, first thing, by the next triggerer. So delivery is at least once: the
acknowledgement follows the stored event by a state sync of the triggerer (a second or two, more
under load), and an entry whose run was already created but whose acknowledgement had not reached
Redis when the triggerer stopped or died starts a second run, whose partitions are then already
complete (the runner's rule 3 makes it a no-op).

Producers add entries with ``XADD STREAM * message '{"partitions": [...]}'`` (``MESSAGE_FIELD``).
The group is created at the stream's start (``XGROUP CREATE ... 0 MKSTREAM``) when missing, so
entries added before the first triggerer listened are read too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable, Sequence
from typing import Any

from airflow.triggers.base import BaseEventTrigger, TriggerEvent
from airflow.triggers.shared_stream import AdvanceItem, SharedStreamProducer

MESSAGE_FIELD = "message"
CONSUMER = "sluice"  # one name for every triggerer: a restarted one reads its predecessor's pending entries
BLOCK_MS = 1000  # how long one XREADGROUP waits for new entries before asking again
BATCH = 100


class RedisStreamTrigger(BaseEventTrigger):
    """Fires once per entry of ``stream`` read through the consumer group ``group``.

    The event's payload is ``{"stream", "id", "data"}`` (``data``: the entry's ``message`` field),
    which Airflow puts in the asset event's extra.
    """

    def __init__(self, *, stream: str, group: str, conn_id: str = "redis_default") -> None:
        super().__init__()
        self.stream, self.group, self.conn_id = stream, group, conn_id

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{__name__}.{type(self).__name__}",
                {"stream": self.stream, "group": self.group, "conn_id": self.conn_id})

    def shared_stream_key(self) -> Hashable:
        return (__name__, self.conn_id, self.stream, self.group)

    @classmethod
    def create_shared_stream_producer(cls, kwargs: dict[str, Any]) -> SharedStreamProducer:
        return RedisStreamProducer(**kwargs)

    async def filter_shared_stream(self, shared_stream: AsyncIterator[Any]) -> AsyncIterator[TriggerEvent]:
        async for entry in shared_stream:
            yield TriggerEvent(entry)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        # Only reached if Airflow ran this trigger outside a shared stream, where nothing would
        # acknowledge the entries: refuse rather than read without the guarantee.
        raise RuntimeError(f"{type(self).__name__} needs the triggerer's shared streams (Airflow 3.3+)")
        yield  # pragma: no cover - makes this an async generator


class RedisStreamProducer(SharedStreamProducer):
    """Owns the Redis connection of one poll: reads the group's entries, acknowledges stored ones."""

    def __init__(self, *, stream: str, group: str, conn_id: str) -> None:
        self.stream, self.group, self.conn_id = stream, group, conn_id
        self.client: Any = None

    async def open_stream(self) -> AsyncIterator[tuple[dict[str, Any], str]]:
        self.client = await connect(self.conn_id)
        await self._ensure_group()
        # First the entries a previous triggerer received but never acknowledged, then new ones.
        async for item in self._read(pending=True):
            yield item
        async for item in self._read(pending=False):
            yield item

    async def advance(self, batch: Sequence[AdvanceItem]) -> None:
        unstored = [item.broker_payload for item in batch if not item.outcome.is_clean]
        if unstored:
            # Leave them pending; raising ends this poll, and the next one reads them again.
            raise RuntimeError(f"stream {self.stream}: entries {unstored} were not stored as asset events; "
                               f"they stay pending and are read again")
        await self.client.xack(self.stream, self.group, *[item.broker_payload for item in batch])

    async def aclose(self) -> None:
        if self.client is not None:
            await self.client.aclose()

    async def _ensure_group(self) -> None:
        from redis.exceptions import ResponseError

        try:
            await self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as e:
            if "BUSYGROUP" not in str(e):  # the group exists: keep its position
                raise

    async def _read(self, *, pending: bool) -> AsyncIterator[tuple[dict[str, Any], str]]:
        after = "0"
        while True:
            reply = await self.client.xreadgroup(self.group, CONSUMER, {self.stream: after if pending else ">"},
                                                 count=BATCH, block=None if pending else BLOCK_MS)
            entries = [entry for _, items in reply or [] for entry in items]
            if pending and not entries:
                return
            for entry_id, fields in entries:
                after = entry_id
                yield {"stream": self.stream, "id": entry_id, "data": (fields or {}).get(MESSAGE_FIELD)}, entry_id
            await asyncio.sleep(0)


async def connect(conn_id: str) -> Any:
    """An asyncio Redis client for the Airflow connection ``conn_id`` (host, port, login, password,
    extra ``db``), read through the Task SDK without blocking the triggerer's event loop."""
    import redis.asyncio
    from airflow.sdk import Connection

    conn = await Connection.async_get(conn_id)
    extra = conn.extra_dejson
    return redis.asyncio.Redis(host=conn.host or "localhost", port=conn.port or 6379, username=conn.login or None,
                               password=conn.password or None, db=int(extra.get("db") or 0),
                               ssl=bool(extra.get("ssl", False)), decode_responses=True)
