"""Two instances sharing one database and one Redis behave as one service."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from gql_server.events import GROUPS_CHANNEL, KEYS_CHANNEL
from gql_server.services.routing_groups import RoutingGroupService
from tests.integration.access_helpers import create_group, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import SIMULATE, UPDATE
from tests.support.polling import eventually
from tests.support.redis_cut import kill_listener
from tests.support.server import running_server
from tests.support.settings import demo_settings
from tests.support.ws_client import GraphQLWebSocket

REDIS = os.environ.get("TEST_REDIS_URL")
HELLO: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hello"}]
pytestmark = pytest.mark.redis


def _answering(base_url: str, key: str, model: str) -> str:
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key=key, max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model=model, messages=HELLO)
    return str(raw.headers["x-litellm-model-id"])


def _eventually(check: Callable[[], object], timeout: float = 10.0) -> None:
    """`check` (which asserts) passes within `timeout`; a refused call counts as not yet."""
    eventually(lambda: check() or True, timeout=timeout, every=0.1, retry_on=RETRIED_CALL)


RETRIED_CALL = (AssertionError, openai.APIError)
AZURE_FIRST = [
    {"modelId": "azure-gpt-4o", "priority": 1},
    {"modelId": "nebius-llama-3.3-70b", "priority": 2},
]


def _put_azure_first(admin: GraphQLClient, gid: str) -> None:
    """Version 1 -> 2 of the demo group: Azure answers first (Nebius did)."""
    admin(UPDATE, {"id": gid, "input": {"deployments": AZURE_FIRST}, "v": 1})


def _follows(base_url: str, key: str, model: str) -> Callable[[], None]:
    """A check that `base_url` routes `model` the new way (Azure first)."""

    def check() -> None:
        assert _answering(base_url, key, model) == "azure-gpt-4o"

    return check


def test_a_change_on_one_instance_routes_on_the_other(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path, redis_url=REDIS)
    with running_server(settings) as a, running_server(settings) as b:
        admin_a = GraphQLClient(a.base_url, a.master_key)
        key_id, key = generate_key(admin_a, "dev")
        gid = create_group(admin_a, "shared-group", assignedKeyIds=[key_id])
        _eventually(lambda: _answering(b.base_url, key, "shared-group"))
        assert _answering(b.base_url, key, "shared-group") == "nebius-llama-3.3-70b"

        _put_azure_first(admin_a, gid)
        _eventually(_follows(b.base_url, key, "shared-group"))
        admin_a.close()


def test_a_change_made_while_an_instance_starts_is_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Instance B loads the live groups, and another instance changes one right after B has
    read them. Before, B subscribed to changes only after loading (and after saying it was
    ready), so that change was never heard: B kept routing the old version until restarted
    (the production bench's second uvicorn worker answered 404 for the group a key had just been
    given, 18 requests in 40). Now B's feed is open before it loads."""
    settings = demo_settings(tmp_path, redis_url=REDIS)
    with running_server(settings) as a:
        admin_a = GraphQLClient(a.base_url, a.master_key)
        key_id, key = generate_key(admin_a, "dev")
        gid = create_group(admin_a, "starting-group", assignedKeyIds=[key_id])
        load = RoutingGroupService.load_all_live
        changed: list[bool] = []

        async def load_then_change_elsewhere(self: RoutingGroupService) -> int:
            loaded = await load(self)
            if not changed:  # instance B's start-up: A changes the group just after B's read
                changed.append(True)
                await asyncio.to_thread(_put_azure_first, admin_a, gid)
            return loaded

        monkeypatch.setattr(RoutingGroupService, "load_all_live", load_then_change_elsewhere)
        with running_server(settings) as b:
            assert changed
            _eventually(_follows(b.base_url, key, "starting-group"))
        admin_a.close()


def test_an_instance_back_on_redis_catches_up_with_changes_it_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B loses its Redis connection while A changes a group and revokes a key (their events
    never reach B). Before, B kept routing the old version until the group changed again, and
    served the revoked key until its cache expired. Now B, back on Redis, reads again what its
    feeds keep in step."""
    settings = demo_settings(tmp_path, redis_url=REDIS)
    with running_server(settings) as a, running_server(settings) as b:
        admin_a = GraphQLClient(a.base_url, a.master_key)
        key_id, key = generate_key(admin_a, "dev")
        victim_id, victim = generate_key(admin_a, "victim")
        gid = create_group(admin_a, "reconnect-group", assignedKeyIds=[key_id, victim_id])
        for who in (key, victim):
            _eventually(functools.partial(_answering, b.base_url, who, "reconnect-group"))

        bus_a, bus_b = a.app.state.runtime.bus, b.app.state.runtime.bus  # type: ignore[union-attr]
        publish = bus_a.publish

        async def lost(channel: str, event: dict[str, object]) -> None:
            if channel not in (GROUPS_CHANNEL, KEYS_CHANNEL):
                await publish(channel, event)

        monkeypatch.setattr(bus_a, "publish", lost)  # what B misses while cut off
        _put_azure_first(admin_a, gid)
        revoke_key(admin_a, victim_id)
        assert _answering(b.base_url, key, "reconnect-group") == "nebius-llama-3.3-70b"  # stale
        asyncio.run(kill_listener(bus_b.client_name))
        _eventually(_follows(b.base_url, key, "reconnect-group"), timeout=20)
        with pytest.raises(openai.AuthenticationError):
            _answering(b.base_url, victim, "reconnect-group")  # long before the 60 s key cache
        admin_a.close()


def test_revoking_on_one_instance_closes_a_subscription_on_the_other(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path, redis_url=REDIS)
    with running_server(settings) as a, running_server(settings) as b:
        admin_a = GraphQLClient(a.base_url, a.master_key)
        key_id, key = generate_key(admin_a, "watcher")
        gid = create_group(admin_a, "watched", assignedKeyIds=[key_id])

        async def watch_on_b() -> int | None:
            socket = await GraphQLWebSocket.open(b.ws_url, key)
            assert await socket.acknowledged()
            slow = {
                "numRequests": 100000,
                "concurrency": 1,
                "latency": [{"modelId": "nebius-llama-3.3-70b", "meanMs": 20}],
            }
            await socket.subscribe(SIMULATE, {"id": gid, "input": slow})
            async for _ in socket.messages():
                break
            await asyncio.to_thread(
                admin_a,
                "mutation($k: ID!) { revokeKey(keyId: $k) { __typename } }",
                {"k": key_id},
            )
            await socket.connection.wait_closed()
            return socket.connection.close_code

        assert asyncio.run(asyncio.wait_for(watch_on_b(), timeout=60)) == 4403
        admin_a.close()


def test_a_stop_asked_on_one_instance_ends_the_owners_run_on_the_other(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path, redis_url=REDIS)
    with running_server(settings) as a, running_server(settings) as b:
        admin_a = GraphQLClient(a.base_url, a.master_key)
        owner_id, owner = generate_key(admin_a, "owner")
        stranger_id, stranger = generate_key(admin_a, "stranger")
        gid = create_group(admin_a, "stoppable", assignedKeyIds=[owner_id, stranger_id])
        stop = "mutation($s: ID!) { stopSimulation(simulationId: $s) }"

        async def run_on_b() -> dict[str, Any]:
            socket = await GraphQLWebSocket.open(b.ws_url, owner)
            assert await socket.acknowledged()
            slow = {
                "numRequests": 100000,
                "concurrency": 2,
                "latency": [{"modelId": "nebius-llama-3.3-70b", "meanMs": 10}],
            }
            await socket.subscribe(SIMULATE, {"id": gid, "input": slow})
            asked = 0
            async for message in socket.messages():
                event = message["payload"]["data"]["simulateTraffic"]
                if event["__typename"] == "SimulationSummary":
                    await socket.close()
                    return {**event, "batchesBeforeSummary": asked}
                asked += 1
                if asked == 1:  # someone else's stop, through instance A: ignored
                    client = GraphQLClient(a.base_url, stranger)
                    await asyncio.to_thread(client, stop, {"s": event["simulationId"]})
                    client.close()
                if asked == 10:  # the owner's stop, through instance A: honoured
                    client = GraphQLClient(a.base_url, owner)
                    await asyncio.to_thread(client, stop, {"s": event["simulationId"]})
                    client.close()
            raise AssertionError("no summary")

        summary = asyncio.run(asyncio.wait_for(run_on_b(), timeout=90))
        assert summary["cancelled"] is True
        assert summary["batchesBeforeSummary"] >= 10, "the stranger's stop must not end the run"
        admin_a.close()
