"""Issue 20, item G: `liveTraffic` fans out once per group per instance. A group's batch is
executed once per distinct operation and JSON-encoded once, whoever subscribed; each subscriber
only has its access re-checked and its message sent. A subscriber whose access was taken away
mid-stream gets none of the group's later batches."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.traces import RequestTrace
from gql_server.services.common import can_see
from gql_server.services.live_traffic import LiveRequest
from gql_server.services.traffic import Tokens
from schema.shared_results import encoded_next
from tests.support.operations import CREATE, failover_input
from tests.support.polling import eventually_async
from tests.support.stack import SchemaClient

GENERATE = 'mutation { generateKey(input: {keyAlias: "w"}) { ... on GeneratedKey { keyId key } } }'
UNASSIGN = """mutation($id: ID!) { updateRoutingGroup(id: $id, input: {assignedKeyIds: []}) {
  __typename } }"""
DELETE_KEY = "mutation($id: ID!) { deleteKey(keyId: $id) { __typename } }"
LIVE = """subscription($id: ID!) { liveTraffic(routingGroupId: $id) { __typename
  ... on LiveTrafficBatch { routingGroupId
    requests { success latencyMs attempts { deploymentId } } } } }"""
LIVE_OTHER_SELECTION = """subscription($id: ID!) { liveTraffic(routingGroupId: $id) {
  ... on LiveTrafficBatch { requests { latencyMs } } } }"""


async def _key(gql: SchemaClient) -> tuple[Principal, str]:
    made = (await gql.execute(GENERATE))["generateKey"]
    who = await gql.runtime.services.access.authenticate(made["key"])
    assert who is not None
    return who, made["keyId"]


def _request(group_id: str, latency_ms: float) -> LiveRequest:
    trace = RequestTrace(
        request_index=0, success=True, latency_ms=latency_ms, final_deployment_id=None
    )
    return LiveRequest(group_id, trace, 0.0, 200, False, Tokens(1, 1), 0.0)


async def _opened(client: SchemaClient, query: str, group_id: str) -> Any:
    stream = aiter(client.subscribe(query, id=group_id))
    first = await anext(stream)  # the empty batch: the subscription is in place
    assert first["liveTraffic"].get("requests", []) == []
    return stream


async def test_one_execution_and_one_encoding_per_batch_and_operation(gql: SchemaClient) -> None:
    who, key_id = await _key(gql)
    created = await gql.execute(CREATE, input=failover_input("fan", assignedKeyIds=[key_id]))
    group_id = created["createRoutingGroup"]["routingGroupId"]
    same = [await _opened(gql.as_(who), LIVE, group_id) for _ in range(3)]
    same.append(await _opened(gql, LIVE, group_id))  # the master key, same operation
    other = await _opened(gql.as_(who), LIVE_OTHER_SELECTION, group_id)

    gql.runtime.services.live_traffic.receive([_request(group_id, 12.5)])
    got = [await anext(stream) for stream in same]
    assert got[0]["liveTraffic"]["requests"][0]["latencyMs"] == 12.5
    assert all(data is got[0] for data in got)  # executed once for the four
    different = await anext(other)
    assert different == {"liveTraffic": {"requests": [{"latencyMs": 12.5}]}}

    encodings: list[object] = []

    def encode(value: object) -> str:
        encodings.append(value)
        return json.dumps(value)

    messages = [encoded_next(str(n), got[n], encode) for n in range(4)]
    assert len(encodings) == 1  # encoded once, each message only wraps it with its id
    assert [json.loads(m or "") for m in messages] == [
        {"id": str(n), "type": "next", "payload": {"data": got[0]}} for n in range(4)
    ]
    assert encoded_next("9", different, encode) is not None  # its own shared result
    assert encoded_next("9", {"liveTraffic": None}, encode) is None  # not a shared result
    for stream in [*same, other]:
        await stream.aclose()


async def _receives_nothing(stream: Any) -> None:
    """The group's batch was offered (synchronously) before this: a subscriber it reached would
    get it without waiting, so a few turns of the loop decide."""
    pending = asyncio.ensure_future(anext(stream))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not pending.done(), pending.result()
    pending.cancel()
    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
        await pending


async def _loses_access(gql: SchemaClient, mutation: str, **variables: str) -> None:
    who, key_id = await _key(gql)
    created = await gql.execute(CREATE, input=failover_input("cut", assignedKeyIds=[key_id]))
    group_id = created["createRoutingGroup"]["routingGroupId"]
    watched = await _opened(gql.as_(who), LIVE, group_id)
    master = await _opened(gql, LIVE, group_id)
    live = gql.runtime.services.live_traffic

    live.receive([_request(group_id, 1.0)])
    assert (await anext(watched))["liveTraffic"]["requests"][0]["latencyMs"] == 1.0
    assert (await anext(master))["liveTraffic"]["requests"][0]["latencyMs"] == 1.0

    await gql.execute(
        mutation, **{k: v.format(group=group_id, key=key_id) for k, v in variables.items()}
    )

    registry = gql.runtime.registry

    async def reached_this_instance() -> bool:  # the group copy each batch is checked against
        return not can_see(who, registry.get_by_id(group_id).group)

    await eventually_async(reached_this_instance)
    live.receive([_request(group_id, 2.0)])
    assert (await anext(master))["liveTraffic"]["requests"][0]["latencyMs"] == 2.0
    await _receives_nothing(watched)
    await watched.aclose()
    await master.aclose()


async def test_an_unassigned_key_stops_receiving_the_group(gql: SchemaClient) -> None:
    await _loses_access(gql, UNASSIGN, id="{group}")


async def test_a_deleted_key_stops_receiving_the_group(gql: SchemaClient) -> None:
    await _loses_access(gql, DELETE_KEY, id="{key}")
