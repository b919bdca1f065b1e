"""Event bus: in-memory for one process, Redis pub/sub across instances.

Events are small JSON dicts on named channels. Subscribers get a bounded queue each; when a
subscriber falls behind, the oldest events are dropped and `dropped` is counted on the next one,
so a slow reader can never grow memory without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any, Protocol

log = logging.getLogger(__name__)

GROUPS_CHANNEL = "routing-groups:groups"  # {"groupId": ..., "action": "upsert"|"delete"}
KEYS_CHANNEL = "routing-groups:keys"  # {"keyId": ..., "action": "revoke"|"delete"}
DEPLOYMENTS_CHANNEL = "routing-groups:deployments"  # {"modelId": ...}

Event = dict[str, Any]


class EventBus(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...
    def subscribe(self, channel: str, max_queue: int = 1000) -> AsyncIterator[Event]: ...
    async def close(self) -> None: ...


class _Subscriber:
    def __init__(self, max_queue: int) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=max_queue)

    def offer(self, event: Event) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(event)


class InMemoryEventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[_Subscriber]] = {}

    async def publish(self, channel: str, event: Event) -> None:
        for sub in list(self._subscribers.get(channel, ())):
            sub.offer(event)

    async def subscribe(self, channel: str, max_queue: int = 1000) -> AsyncIterator[Event]:
        sub = _Subscriber(max_queue)
        self._subscribers.setdefault(channel, set()).add(sub)
        try:
            while True:
                yield await sub.queue.get()
        finally:
            self._subscribers[channel].discard(sub)

    async def close(self) -> None:
        self._subscribers.clear()


class RedisEventBus:
    """Fan-out across instances. Each instance also receives its own events."""

    def __init__(self, url: str) -> None:
        from redis.asyncio import Redis

        self._redis: Redis = Redis.from_url(url)

    async def ping(self) -> None:
        await self._redis.ping()

    async def publish(self, channel: str, event: Event) -> None:
        await self._redis.publish(channel, json.dumps(event))

    async def subscribe(self, channel: str, max_queue: int = 1000) -> AsyncIterator[Event]:
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(channel)
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                try:
                    yield json.loads(message["data"])
                except (ValueError, TypeError):
                    log.warning("ignoring malformed event on %s", channel)
        finally:
            await pubsub.unsubscribe(channel)
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated

    async def close(self) -> None:
        await self._redis.aclose()


def make_event_bus(redis_url: str | None) -> InMemoryEventBus | RedisEventBus:
    return RedisEventBus(redis_url) if redis_url else InMemoryEventBus()
