"""Issue 20, H: SIGTERM to a real `python -m gql_server` with a simulation running and a
keep-alive HTTP client: keep-alive connections used to be served on through the shutdown
window (which a running simulation holds open); now every answer closes its connection."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.operations import CREATE, failover_input
from tests.support.server import MASTER_KEY, free_port
from tests.support.stack import DEMO_CONFIG
from tests.support.ws_client import GraphQLWebSocket

ROOT = Path(__file__).resolve().parents[2]
SIMULATE = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationProgress { simulationId completed }
    ... on SimulationSummary { simulationId cancelled totalRequests }
  }
}"""
# Long enough to be running when the signal comes (minutes of CPU), ended by the shutdown.
LONG = {
    "numRequests": 100000,
    "concurrency": 1,
    "latency": [{"modelId": "azure-gpt-4o", "meanMs": 1}],
}


def _start(tmp_path: Path, port: int, shutdown_s: float) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "MASTER_KEY": MASTER_KEY,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
        "SHUTDOWN_TIMEOUT_SECONDS": str(shutdown_s),
        "SEED_GROUPS": "false",
        "SIMULATION_WORKERS": "1",
        "UI_DIST": str(tmp_path / "no-ui"),
    }
    command = [sys.executable, "-m", "gql_server", "--port", str(port)]
    command += ["--config", str(DEMO_CONFIG)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


async def _post(client: httpx.AsyncClient, query: str, **variables: Any) -> Any:
    reply = await client.post("/graphql", json={"query": query, "variables": variables})
    return reply.json()["data"]


async def test_every_http_answer_says_connection_close_once_shutdown_starts(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = _start(tmp_path, port, shutdown_s=10)
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {MASTER_KEY}"}
    try:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=10) as client:
            created = await _post(client, CREATE, input=failover_input())
            gid = created["createRoutingGroup"]["routingGroupId"]
            # A running simulation holds the shutdown window open (its summary is on its way).
            socket = await GraphQLWebSocket.open(f"ws://127.0.0.1:{port}/graphql", MASTER_KEY)
            assert await socket.acknowledged()
            await socket.subscribe(SIMULATE, {"id": gid, "input": LONG})
            await anext(socket.messages())
            before = await client.get("/healthz")
            assert before.headers.get("connection", "").lower() != "close"

            process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.5)
            # The same keep-alive connection, still open: its answer closes it.
            during = await client.post("/graphql", json={"query": "{ me { identity } }"})
            assert during.headers.get("connection", "").lower() == "close"
        await asyncio.to_thread(process.wait, 60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
