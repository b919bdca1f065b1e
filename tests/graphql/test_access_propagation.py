"""Issue 20, item I: `revokeKey` while the event bus (Redis) is down answered "Internal server
error" though the revocation was saved, and other instances missed the push until their key
cache expired. Now the answer says what happened, and the push is retried until it is made."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gql_server.events import KEYS_CHANNEL, Event, InMemoryEventBus
from tests.support.stack import SchemaClient

GENERATE = """
mutation { generateKey(input: {keyAlias: "doomed"}) { ... on GeneratedKey { keyId key } } }"""
REVOKE = """
mutation($k: ID!) { revokeKey(keyId: $k) { __typename ... on ApiKey { revoked
  accessChange { keyIds everyInstanceTold attempts warning } } } }"""
TEAM_AND_KEYS = """
mutation { createTeam(input: {teamAlias: "gone"}) { ... on Team { teamId } } }"""
DELETE_TEAM = """
mutation($t: ID!) { deleteTeam(teamId: $t) { __typename ... on DeleteTeamSuccess {
  accessChange { keyIds everyInstanceTold attempts warning } } } }"""


class _BusDown:
    """Publishing fails as redis-py does when Redis is unreachable, until `up()`."""

    def __init__(self, bus: InMemoryEventBus, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tries = 0
        self._publish = bus.publish
        monkeypatch.setattr(bus, "publish", self.publish)
        self._down = True

    async def publish(self, channel: str, event: Event) -> None:
        if self._down:
            self.tries += 1
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        await self._publish(channel, event)

    def up(self) -> None:
        self._down = False


async def _heard(bus: InMemoryEventBus, into: list[Event]) -> None:
    async for event in bus.subscribe(KEYS_CHANNEL):
        into.append(event)


async def _until(check: Any) -> None:
    for _ in range(200):  # 10 s
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("not within 10 s")


async def test_revoke_while_the_bus_is_down_says_what_happened(
    gql: SchemaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = (await gql.execute(GENERATE))["generateKey"]
    access = gql.runtime.services.access
    assert await access.authenticate(made["key"]) is not None  # held in the key cache now
    bus = gql.runtime.bus
    assert isinstance(bus, InMemoryEventBus)
    heard: list[Event] = []
    follower = asyncio.create_task(_heard(bus, heard))
    await asyncio.sleep(0)
    down = _BusDown(bus, monkeypatch)
    try:
        answer = (await gql.execute(REVOKE, k=made["keyId"]))["revokeKey"]
        assert answer["__typename"] == "ApiKey" and answer["revoked"] is True
        change = answer["accessChange"]
        assert change["keyIds"] == [made["keyId"]]
        assert change["everyInstanceTold"] is False
        assert change["attempts"] == down.tries == 3
        assert "other instances have not been told yet" in change["warning"]
        assert "KEY_CACHE_TTL_SECONDS" in change["warning"]
        assert await access.authenticate(made["key"]) is None  # refused here at once
        down.up()  # the background retry tells the other instances once the bus is back
        await _until(lambda: heard == [{"keyId": made["keyId"], "action": "revoke"}])
    finally:
        follower.cancel()


async def test_deleting_a_team_takes_its_keys_away_everywhere(gql: SchemaClient) -> None:
    team = (await gql.execute(TEAM_AND_KEYS))["createTeam"]["teamId"]
    keys = [
        (
            await gql.execute(
                "mutation($t: ID!) { generateKey(input: {teamId: $t}) { ... on GeneratedKey "
                "{ keyId key } } }",
                t=team,
            )
        )["generateKey"]
        for _ in range(2)
    ]
    access = gql.runtime.services.access
    for key in keys:
        assert await access.authenticate(key["key"]) is not None  # cached
    bus = gql.runtime.bus
    assert isinstance(bus, InMemoryEventBus)
    heard: list[Event] = []
    follower = asyncio.create_task(_heard(bus, heard))
    await asyncio.sleep(0)
    try:
        answer = (await gql.execute(DELETE_TEAM, t=team))["deleteTeam"]
        change = answer["accessChange"]
        assert sorted(change["keyIds"]) == sorted(k["keyId"] for k in keys)
        assert change["everyInstanceTold"] is True and change["warning"] is None
        for key in keys:
            assert await access.authenticate(key["key"]) is None
        await _until(lambda: len(heard) == 2)
        assert sorted(e["keyId"] for e in heard) == sorted(k["keyId"] for k in keys)
    finally:
        follower.cancel()
