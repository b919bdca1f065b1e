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
import os
import socket
import uuid
from collections.abc import AsyncGenerator, Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

GROUPS_CHANNEL = "routing-groups:groups"  # {"groupId": ..., "action": "upsert"|"delete"}
KEYS_CHANNEL = "routing-groups:keys"  # {"keyId": ..., "action": "revoke"|"delete"}
DEPLOYMENTS_CHANNEL = "routing-groups:deployments"  # {"modelId": ...}

Event = dict[str, Any]
# Given to every local subscriber when the Redis bus has reconnected: what was published while it
# was away is lost, so whatever the feed keeps in step must be read again from the database.
RESYNC: Event = {"resync": True}
SUBSCRIBE_TIMEOUT_S = 10.0


class EventBus(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...
    def subscribe(self, channel: str, max_queue: int = 1000) -> AsyncGenerator[Event, None]: ...
    async def open(self, channel: str, max_queue: int = 1000) -> Feed: ...
    async def close(self) -> None: ...


class Feed:
    """One subscriber's events on one channel, queued from the moment `open` returns: what is
    published after that is kept for the reader even if it starts reading later (start-up opens
    its feeds, then loads the state they keep in step, so no change falls in between)."""

    def __init__(self, max_queue: int, on_close: Callable[[Feed], None]) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=max_queue)
        self._on_close = on_close

    def offer(self, event: Event) -> None:
        if self.queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
        self.queue.put_nowait(event)

    def close(self) -> None:
        self._on_close(self)

    def __aiter__(self) -> Feed:
        return self

    async def __anext__(self) -> Event:
        return await self.queue.get()


class InMemoryEventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Feed]] = {}

    async def publish(self, channel: str, event: Event) -> None:
        for sub in list(self._subscribers.get(channel, ())):
            sub.offer(event)

    async def open(self, channel: str, max_queue: int = 1000) -> Feed:
        subscribers = self._subscribers.setdefault(channel, set())
        feed = Feed(max_queue, subscribers.discard)
        subscribers.add(feed)
        return feed

    def subscribe(self, channel: str, max_queue: int = 1000) -> AsyncGenerator[Event, None]:
        return _subscribed(self, channel, max_queue)

    async def close(self) -> None:
        self._subscribers.clear()


class RedisEventBus:
    """Fan-out across instances. Each instance also receives its own events.

    One Redis connection carries every channel this instance listens to, and its events fan out
    to local subscribers as on the in-memory bus: a websocket (each watches for its key's
    revocation) costs a queue, not a Redis connection (redis-py's pool refuses its 101st
    connection, so a connection each capped an instance at about 100 websockets). If Redis goes
    away the reader reconnects and subscribes again; local subscribers miss what was published
    meanwhile, as they would have with a connection each.
    """

    def __init__(self, url: str, *, client_name: str | None = None) -> None:
        from redis.asyncio import Redis

        self.client_name = client_name
        self._redis: Redis = Redis.from_url(url, client_name=client_name)
        self._local = InMemoryEventBus()
        self._channels: set[str] = set()
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._joining = asyncio.Lock()
        self._confirmed: dict[str, asyncio.Event] = {}  # set once Redis confirms SUBSCRIBE

    async def ping(self) -> None:
        await self._redis.ping()

    async def publish(self, channel: str, event: Event) -> None:
        await self._redis.publish(channel, json.dumps(event))

    async def open(self, channel: str, max_queue: int = 1000) -> Feed:
        """A feed of `channel` once Redis has confirmed the subscription."""
        feed = await self._local.open(channel, max_queue)
        try:
            await self._listen_to(channel)
        except BaseException:
            feed.close()
            raise
        return feed

    def subscribe(self, channel: str, max_queue: int = 1000) -> AsyncGenerator[Event, None]:
        return _subscribed(self, channel, max_queue)

    async def _listen_to(self, channel: str) -> None:
        async with self._joining:
            if self._pubsub is None:
                self._pubsub = self._redis.pubsub()
            if channel not in self._channels:
                self._confirmed.setdefault(channel, asyncio.Event())
                await self._pubsub.subscribe(channel)
                self._channels.add(channel)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read(), name="event bus reader")
        # Redis has taken the SUBSCRIBE once its confirmation comes back: from then on nothing
        # published on `channel` is missed (SUBSCRIBE alone is only a command sent).
        await asyncio.wait_for(self._confirmed[channel].wait(), SUBSCRIBE_TIMEOUT_S)

    async def _read(self) -> None:
        connected = True
        while True:
            if not connected:
                await asyncio.sleep(1.0)
                connected = await self._resubscribe()
                if connected:
                    for channel in self._channels:
                        await self._local.publish(channel, dict(RESYNC))
                continue
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("event bus: Redis connection lost; reconnecting", exc_info=True)
                connected = False
                continue
            if message is None:
                continue
            channel = message["channel"]
            if isinstance(channel, bytes):
                channel = channel.decode()
            if message.get("type") == "subscribe":
                self._confirmed.setdefault(channel, asyncio.Event()).set()
                continue
            if message.get("type") != "message":
                continue
            try:
                event = json.loads(message["data"])
            except (ValueError, TypeError):
                log.warning("ignoring malformed event on %s", channel)
                continue
            await self._local.publish(channel, event)

    async def _resubscribe(self) -> bool:
        with contextlib.suppress(Exception):
            await self._pubsub.aclose()
        self._pubsub = self._redis.pubsub()
        try:
            await self._pubsub.subscribe(*self._channels)
        except Exception:
            return False
        return True

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        await self._local.close()
        await self._redis.aclose()


async def _subscribed(bus: EventBus, channel: str, max_queue: int) -> AsyncGenerator[Event, None]:
    """`bus.subscribe`: a feed opened on the first read, closed when the reader lets go."""
    feed = await bus.open(channel, max_queue)
    try:
        async for event in feed:
            yield event
    finally:
        feed.close()


def make_event_bus(redis_url: str | None) -> InMemoryEventBus | RedisEventBus:
    if not redis_url:
        return InMemoryEventBus()
    # Named, so `CLIENT LIST` tells which instance a connection belongs to.
    name = f"routing-groups-events-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    return RedisEventBus(redis_url, client_name=name)
