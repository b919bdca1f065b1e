"""Issue 20, item G: one team key held 400 `liveTraffic` subscriptions (`/v1` fell from 210 to
38 req/s). Now a key holds at most 10 at once, every subscriber of a group gets the same batch
(built and converted once), and a key whose access was taken away stops receiving."""

from __future__ import annotations

import contextlib
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.errors import LimitExceededError
from gql_server.core.domain.traces import RequestTrace
from gql_server.services.live_traffic import LiveRequest
from gql_server.services.traffic import Tokens
from schema.operations.live_traffic import LiveTrafficBatch
from tests.support.operations import CREATE, failover_input
from tests.support.stack import SchemaClient

GENERATE = 'mutation { generateKey(input: {keyAlias: "w"}) { ... on GeneratedKey { keyId key } } }'
LIVE = """subscription($id: ID!) { liveTraffic(routingGroupId: $id) { __typename
  ... on LimitExceededError { message limit } } }"""


async def _watcher(gql: SchemaClient) -> tuple[Principal, str]:
    made = (await gql.execute(GENERATE))["generateKey"]
    who = await gql.runtime.services.access.authenticate(made["key"])
    assert who is not None
    created = await gql.execute(
        CREATE, input=failover_input("watched", assignedKeyIds=[made["keyId"]])
    )
    return who, created["createRoutingGroup"]["routingGroupId"]


def _request(group_id: str) -> LiveRequest:
    trace = RequestTrace(request_index=0, success=True, latency_ms=1.0, final_deployment_id=None)
    return LiveRequest(group_id, trace, 0.0, 200, False, Tokens(1, 1), 0.0)


async def test_a_key_holds_at_most_ten_live_traffic_subscriptions(gql: SchemaClient) -> None:
    who, group_id = await _watcher(gql)
    as_key = gql.as_(who)
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(10):
            stream = as_key.subscribe(LIVE, id=group_id)
            stack.push_async_callback(stream.aclose)
            first = await anext(aiter(stream))
            assert first["liveTraffic"]["__typename"] == "LiveTrafficBatch"
        refused = await anext(aiter(as_key.subscribe(LIVE, id=group_id)))
        assert refused["liveTraffic"] == {
            "__typename": "LimitExceededError",
            "message": refused["liveTraffic"]["message"],
            "limit": 10,
        }
        assert "at most 10 at once" in refused["liveTraffic"]["message"]
    # All ten closed: places are free again.
    again = as_key.subscribe(LIVE, id=group_id)
    assert (await anext(aiter(again)))["liveTraffic"]["__typename"] == "LiveTrafficBatch"
    await again.aclose()


async def test_every_subscriber_gets_one_shared_batch(
    gql: SchemaClient,
) -> None:
    who, group_id = await _watcher(gql)
    live = gql.runtime.services.live_traffic
    streams: list[Any] = [await live.watch(who, group_id) for _ in range(3)]
    for stream in streams:
        assert (await anext(stream)).requests == []
    live.receive([_request(group_id)])
    got = [await anext(stream) for stream in streams]
    assert all(batch is got[0] for batch in got)  # built once
    converted = [LiveTrafficBatch.from_domain(batch) for batch in got]
    assert all(c is converted[0] for c in converted)  # converted once
    for stream in streams:
        await stream.aclose()
    assert live._per_key == {}


async def test_the_cap_is_per_key(gql: SchemaClient) -> None:
    who, group_id = await _watcher(gql)
    live = gql.runtime.services.live_traffic
    held = [await live.watch(who, group_id) for _ in range(10)]
    for stream in held:
        await anext(stream)
    try:
        await live.watch(who, group_id)
        raise AssertionError("the 11th was not refused")
    except LimitExceededError as refused:
        assert refused.limit == 10
    master = await gql.runtime.services.live_traffic.watch(gql.who, group_id)
    await anext(master)  # the master key is not capped
    await master.aclose()
    for stream in held:
        await stream.aclose()
