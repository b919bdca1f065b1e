"""Per-key/per-team windows in Redis: two `RedisRateWindows` (two instances) share them."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import redis

from gql_server.core.domain.rate_limits import AccessLimits
from gql_server.services.access.rate_windows import RedisRateWindows, key_prefix

REDIS = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.redis


@pytest.fixture
def namespace() -> str:
    return f"rg-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def pair(namespace: str) -> AsyncIterator[tuple[RedisRateWindows, RedisRateWindows]]:
    assert REDIS is not None
    a, b = RedisRateWindows(REDIS, namespace), RedisRateWindows(REDIS, namespace)
    yield a, b
    await a.close()
    await b.close()


def _keys(namespace: str) -> dict[str, int]:
    """Every limits key of the namespace, with its time to live in ms."""
    assert REDIS is not None
    client = redis.Redis.from_url(REDIS)
    found = {k.decode(): int(client.pttl(k)) for k in client.scan_iter(f"{key_prefix(namespace)}*")}
    client.close()
    return found


async def test_concurrent_admissions_on_two_instances_take_exactly_the_limit(
    pair: tuple[RedisRateWindows, RedisRateWindows], namespace: str
) -> None:
    a, b = pair
    key = [("key:k", AccessLimits(rpm_limit=10))]
    waits = await asyncio.gather(*(w.admit(key) for _ in range(25) for w in (a, b)))
    assert sum(wait is None for wait in waits) == 10
    assert all(0 < wait <= 60 for wait in waits if wait is not None)
    ttl = _keys(namespace)[f"{key_prefix(namespace)}rpm:key:k"]
    assert 0 < ttl <= 60_000, "the window expires a minute after its last request"


async def test_a_burst_larger_than_the_connection_pool_still_counts_in_redis(
    pair: tuple[RedisRateWindows, RedisRateWindows],
) -> None:
    a, _ = pair
    key = [("key:burst", AccessLimits(rpm_limit=250))]
    waits = await asyncio.gather(*(a.admit(key) for _ in range(400)))
    assert sum(wait is None for wait in waits) == 250  # none fell back to per-instance counting


async def test_a_refused_request_counts_against_no_subject(
    pair: tuple[RedisRateWindows, RedisRateWindows],
) -> None:
    a, b = pair
    key = ("key:k", AccessLimits(rpm_limit=5))
    team = ("team:t", AccessLimits(rpm_limit=1))
    assert await a.admit([key, team]) is None
    assert await b.admit([key, team]) is not None
    assert await b.admit([("key:k", AccessLimits(rpm_limit=2))]) is None  # only one counted
    assert await a.admit([("key:k", AccessLimits(rpm_limit=2))]) is not None


async def test_tokens_charged_on_one_instance_fill_the_other_ones_window(
    pair: tuple[RedisRateWindows, RedisRateWindows], namespace: str
) -> None:
    a, b = pair
    subject = [("team:t", AccessLimits(tpm_limit=100))]
    assert await b.admit(subject) is None
    a.charge_tokens(subject, 60)
    a.charge_tokens(subject, 40)  # coalesced with the first while it is being written
    await a.close()  # waits for the charges to be written
    wait = await b.admit(subject)
    assert wait is not None and 59 < wait <= 61, "the tokens leave the window in a minute"
    ttl = _keys(namespace)[f"{key_prefix(namespace)}tpm:team:t"]
    assert 0 < ttl <= 61_000


async def test_callers_without_limits_never_reach_redis(
    pair: tuple[RedisRateWindows, RedisRateWindows], namespace: str
) -> None:
    a, _ = pair
    unlimited = [("key:u", AccessLimits(max_simulations=2))]
    assert await a.admit(unlimited) is None
    a.charge_tokens(unlimited, 500)
    a.charge_tokens([("key:r", AccessLimits(rpm_limit=5))], 500)  # tokens only count for tpm
    await a.close()
    assert _keys(namespace) == {}


async def test_without_redis_the_instance_falls_back_to_its_own_windows() -> None:
    down = RedisRateWindows("redis://127.0.0.1:1/0")  # nothing listens on port 1
    key = [("key:k", AccessLimits(rpm_limit=2))]
    first, second, third = [await down.admit(key) for _ in range(3)]
    assert first is None and second is None and third is not None
    await down.close()
