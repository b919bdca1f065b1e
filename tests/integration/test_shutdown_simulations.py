"""Issue 20 H: SIGTERM with a simulation running, against `python -m gql_server` as a real
subprocess on a SQLite file.

Every running simulation stops with a cancelled summary whose stoppedReason says the server is
shutting down (it had none); the subscriber receives it within the graceful shutdown window and,
after a restart on the same database, the run is in History as cancelled, with that reason."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from tests.integration.access_helpers import create_group
from tests.support.graphql_client import GraphQLClient
from tests.support.processes import ServerProcess, server_process
from tests.support.server import MASTER_KEY
from tests.support.stack import DEMO_CONFIG
from tests.support.ws_client import GraphQLWebSocket

NEBIUS = "nebius-llama-3.3-70b"
# Far more than the test waits for: only the shutdown ends it.
LONG = {"numRequests": 100_000, "concurrency": 4, "latency": [{"modelId": NEBIUS, "meanMs": 50}]}
SIMULATE = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationProgress { simulationId completed }
    ... on SimulationSummary { simulationId totalRequests cancelled stoppedReason }
  }
}"""
HISTORY = """query($id: ID!) { simulations(routingGroupId: $id) {
  simulationId summary { totalRequests cancelled stoppedReason } } }"""


def _env(tmp_path: Path) -> dict[str, str | None]:
    return {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}",
        "MASTER_KEY": MASTER_KEY,
        "SEED_GROUPS": "false",
        "UI_DIST": str(tmp_path / "no-ui"),
        "SHUTDOWN_TIMEOUT_SECONDS": "30",
        "REDIS_URL": None,
    }


async def _sigterm_mid_run(server: ServerProcess, gid: str) -> list[dict[str, Any]]:
    """Subscribe, SIGTERM after the first progress, and read until the server closes."""
    socket = await GraphQLWebSocket.open(server.ws_url, MASTER_KEY)
    assert await socket.acknowledged()
    await socket.subscribe(SIMULATE, {"id": gid, "input": LONG})
    events: list[dict[str, Any]] = []
    with contextlib.suppress(Exception):  # the socket closing as the server exits
        async for message in socket.messages():
            if message["type"] != "next":
                break
            event = message["payload"]["data"]["simulateTraffic"]
            events.append(event)
            if len(events) == 1:
                server.process.terminate()  # SIGTERM
    with contextlib.suppress(Exception):
        await socket.close()
    return events


def test_sigterm_sends_and_saves_each_running_simulations_cancelled_summary(
    tmp_path: Path,
) -> None:
    args = ("--mock", "--config", str(DEMO_CONFIG))
    with server_process(_env(tmp_path), tmp_path / "first.log", *args) as server:
        admin = GraphQLClient(server.base_url, MASTER_KEY)
        gid = create_group(admin, "shutdown-sim")
        admin.close()
        events = asyncio.run(asyncio.wait_for(_sigterm_mid_run(server, gid), timeout=120))
        server.process.wait(timeout=60)  # uvicorn re-raises the SIGTERM: -15
        log = server.output()

    assert events[0]["__typename"] == "SimulationProgress"
    summary = events[-1]
    assert summary["__typename"] == "SimulationSummary", (events[-3:], log)
    assert summary["cancelled"] is True
    assert 0 < summary["totalRequests"] < LONG["numRequests"]
    assert "shutting down" in summary["stoppedReason"]

    with server_process(_env(tmp_path), tmp_path / "second.log", *args) as again:
        admin = GraphQLClient(again.base_url, MASTER_KEY)
        (run,) = admin(HISTORY, {"id": gid})["simulations"]
        admin.close()
    assert run["simulationId"] == summary["simulationId"]
    assert run["summary"] == {
        "totalRequests": summary["totalRequests"],
        "cancelled": True,
        "stoppedReason": summary["stoppedReason"],
    }
