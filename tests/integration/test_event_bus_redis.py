"""The Redis event bus: one Redis connection per instance however many subscribers it has (each
websocket subscribes, to watch for its key's revocation), events from every instance, each
channel's events to that channel's subscribers only."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from gql_server.events import RESYNC, Event, RedisEventBus
from tests.support.polling import eventually_async
from tests.support.redis_cut import kill_listener

REDIS = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.redis


async def _first(events: AsyncIterator[Event]) -> Event:
    return await anext(events)


async def _clients_named(name: str) -> int:
    assert REDIS is not None
    admin = redis.asyncio.Redis.from_url(REDIS)
    try:
        await admin.ping()
    except redis.RedisError as error:
        pytest.fail(f"TEST_REDIS_URL={REDIS} is set but Redis cannot be reached: {error!r}")
    clients = await admin.client_list()
    await admin.aclose()
    return sum(1 for c in clients if c.get("name") == name)


async def test_150_subscribers_share_one_connection_and_all_hear_every_instance() -> None:
    assert REDIS is not None
    name = f"rg-bus-test-{uuid.uuid4().hex[:8]}"
    channel = f"routing-groups:test:{uuid.uuid4().hex[:8]}"
    here, there = RedisEventBus(REDIS, client_name=name), RedisEventBus(REDIS)
    try:
        streams = [here.subscribe(channel) for _ in range(150)]
        waiting = [asyncio.ensure_future(_first(s)) for s in streams]

        async def heard_by_all() -> bool:  # publish until every subscriber is listening
            await there.publish(channel, {"keyId": "k1", "action": "revoke"})
            await asyncio.sleep(0.05)
            return all(w.done() for w in waiting)

        await eventually_async(heard_by_all, timeout=10)
        heard = [w.result() for w in waiting]
        assert heard == [{"keyId": "k1", "action": "revoke"}] * 150
        assert await _clients_named(name) <= 2  # the listener, and one to publish with
        for stream in streams:
            await stream.aclose()
    finally:
        await here.close()
        await there.close()


async def test_each_channel_hears_only_its_own_events_including_this_instances() -> None:
    assert REDIS is not None
    bus = RedisEventBus(REDIS)
    a, b = (f"routing-groups:test:{uuid.uuid4().hex[:8]}" for _ in range(2))
    try:
        on_a, on_b = bus.subscribe(a), bus.subscribe(b)
        got_a, got_b = asyncio.ensure_future(_first(on_a)), asyncio.ensure_future(_first(on_b))

        async def both_heard() -> bool:  # publish until both subscribers are listening
            await bus.publish(b, {"n": 2})
            await bus.publish(a, {"n": 1})
            await asyncio.sleep(0.05)
            return got_a.done() and got_b.done()

        await eventually_async(both_heard, timeout=10)
        assert await asyncio.wait_for(got_a, timeout=10) == {"n": 1}
        assert await asyncio.wait_for(got_b, timeout=10) == {"n": 2}
        await on_a.aclose()
        await on_b.aclose()
    finally:
        await bus.close()


async def test_a_feed_hears_what_is_published_as_soon_as_open_returns() -> None:
    """`open` returns once Redis has confirmed the subscription, so one event published right
    after it (no retry, unlike the test above) is heard. Start-up relies on it: it opens its
    feeds, then loads the state they keep in step."""
    assert REDIS is not None
    here, there = RedisEventBus(REDIS), RedisEventBus(REDIS)
    try:
        for _ in range(20):  # each on a channel of its own: a fresh SUBSCRIBE every time
            channel = f"routing-groups:test:{uuid.uuid4().hex[:8]}"
            feed = await here.open(channel)
            await there.publish(channel, {"groupId": "g1", "action": "upsert"})
            assert await asyncio.wait_for(anext(feed), 5) == {"groupId": "g1", "action": "upsert"}
            feed.close()
    finally:
        await here.close()
        await there.close()


async def test_after_a_lost_connection_every_feed_is_told_to_read_again() -> None:
    """Events published while the bus was away from Redis are lost; once it is back, each feed
    gets RESYNC (so it reads its state again), then events flow as before."""
    assert REDIS is not None
    name = f"rg-bus-test-{uuid.uuid4().hex[:8]}"
    channel = f"routing-groups:test:{uuid.uuid4().hex[:8]}"
    here, there = RedisEventBus(REDIS, client_name=name), RedisEventBus(REDIS)
    try:
        feed = await here.open(channel)
        await kill_listener(name)
        assert await asyncio.wait_for(anext(feed), 20) == RESYNC
        await there.publish(channel, {"keyId": "k2", "action": "revoke"})
        assert await asyncio.wait_for(anext(feed), 5) == {"keyId": "k2", "action": "revoke"}
        feed.close()
    finally:
        await here.close()
        await there.close()
