"""simulateTraffic over a real websocket against the running server."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from tests.integration.access_helpers import create_group
from tests.support.graphql_client import GraphQLClient
from tests.support.operations import SIMULATE
from tests.support.polling import eventually_async
from tests.support.server import RunningServer
from tests.support.ws_client import GraphQLWebSocket

NEBIUS, FIREWORKS = "nebius-llama-3.3-70b", "fireworks-llama-v3p3-70b"


@pytest.fixture
def group_id(server: RunningServer) -> str:
    admin = GraphQLClient(server.base_url, server.master_key)
    gid = create_group(admin, "ws-failover")
    admin.close()
    return gid


async def _collect(server: RunningServer, gid: str, sim: dict[str, Any]) -> list[dict[str, Any]]:
    socket = await GraphQLWebSocket.open(server.ws_url, server.master_key)
    assert await socket.acknowledged()
    op = await socket.subscribe(SIMULATE, {"id": gid, "input": sim})
    events: list[dict[str, Any]] = []
    async for message in socket.messages():
        assert message["id"] == op
        if message["type"] == "complete":
            break
        assert message["type"] == "next", message
        events.append(message["payload"]["data"]["simulateTraffic"])
    await socket.close()
    return events


def test_progress_batches_then_one_summary_that_adds_up(
    server: RunningServer, group_id: str
) -> None:
    sim = {
        "numRequests": 600,
        "concurrency": 20,
        "seed": 7,
        "failureInjection": [{"modelId": NEBIUS, "failureRate": 0.5, "errorKind": "RATE_LIMIT"}],
    }
    events = asyncio.run(_collect(server, group_id, sim))
    kinds = [e["__typename"] for e in events]
    assert kinds.count("SimulationSummary") == 1 and kinds[-1] == "SimulationSummary"
    assert kinds.count("SimulationProgress") >= 3
    summary = events[-1]
    requests = [r for e in events[:-1] for r in e["requests"]]
    assert len(requests) == summary["totalRequests"] == 600
    assert summary["successfulRequests"] == sum(r["success"] for r in requests)
    attempts = Counter(a["deploymentId"] for r in requests for a in r["attempts"])
    counted = {t["deploymentId"]: t["requestCount"] for t in summary["trafficDistribution"]}
    assert {k: v for k, v in counted.items() if v} == dict(attempts)
    assert summary["cancelled"] is False


def test_completing_after_the_first_batch_stops_the_run(
    server: RunningServer, group_id: str
) -> None:
    async def run() -> None:
        socket = await GraphQLWebSocket.open(server.ws_url, server.master_key)
        assert await socket.acknowledged()
        sim = {
            "numRequests": 5000,
            "concurrency": 4,
            "seed": 1,
            "latency": [{"modelId": NEBIUS, "meanMs": 10}],
        }
        op = await socket.subscribe(SIMULATE, {"id": group_id, "input": sim})
        async for message in socket.messages():
            assert message["type"] == "next"
            break
        await socket.complete(op)
        # the server stops the run its client walked away from
        await eventually_async(_no_simulation_running, timeout=10)
        await socket.close()

    async def _no_simulation_running() -> bool:
        return server_running_simulations(server) == 0

    asyncio.run(run())
    admin = GraphQLClient(server.base_url, server.master_key)
    saved = admin(
        "query($id: ID!) { simulations(routingGroupId: $id) { summary { totalRequests } } }",
        {"id": group_id},
    )
    admin.close()
    assert saved["simulations"] == [], "a run the client walked away from sends no summary"


def server_running_simulations(server: RunningServer) -> int:
    admin = GraphQLClient(server.base_url, server.master_key)
    try:
        return int(admin("{ runningSimulations }")["runningSimulations"])
    finally:
        admin.close()


def test_stop_simulation_ends_with_a_cancelled_summary(
    server: RunningServer, group_id: str
) -> None:
    async def run() -> dict[str, Any]:
        socket = await GraphQLWebSocket.open(server.ws_url, server.master_key)
        assert await socket.acknowledged()
        sim = {
            "numRequests": 20000,
            "concurrency": 4,
            "latency": [{"modelId": NEBIUS, "meanMs": 10}],
        }
        await socket.subscribe(SIMULATE, {"id": group_id, "input": sim})
        stopped = False
        async for message in socket.messages():
            event = message["payload"]["data"]["simulateTraffic"]
            if event["__typename"] == "SimulationSummary":
                await socket.close()
                return dict(event)
            if not stopped:
                admin = GraphQLClient(server.base_url, server.master_key)
                done = await asyncio.to_thread(
                    admin,
                    "mutation($s: ID!) { stopSimulation(simulationId: $s) }",
                    {"s": event["simulationId"]},
                )
                admin.close()
                assert done["stopSimulation"] is True
                stopped = True
        raise AssertionError("no summary")

    summary = asyncio.run(asyncio.wait_for(run(), timeout=60))
    assert summary["cancelled"] is True
    assert 0 < summary["totalRequests"] < 20000
