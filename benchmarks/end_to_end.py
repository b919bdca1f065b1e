"""End-to-end measurements against the running server (see `serve.served`):

* virtual-clock engine throughput as a client sees it: a websocket client subscribes to
  `simulateTraffic` and receives every trace; requests received / wall seconds from the
  subscribe to the summary (so it includes the worker process, the pipe, batching, GraphQL
  serialisation and the websocket);
* the 1-hour scenario (20 req/s for 3,600 simulated s, 60 s cooldowns, an incident): wall s;
* `/v1/chat/completions` latency on a live group, idle and while a full-speed simulation runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from gql_server.core.simulation.stats import percentile

SUBSCRIPTION = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationProgress {
      simulationId completed simulatedMs
      requests { requestIndex success latencyMs startedAtMs finalDeploymentId
                 attempts { deploymentId status } skipped { deploymentId reason } }
    }
    ... on SimulationSummary { simulationId totalRequests successfulRequests cancelled
                               simulatedDurationMs cooldowns { deploymentId startMs endMs }
                               replay { recordedRequests replayedRequests sameFinalDeployment
                                        assumedDeployments } }
    ... on Error { message }
  }
}
"""
STOP = "mutation($id: ID!) { stopSimulation(simulationId: $id) }"


@dataclass
class WsRun:
    requests: int = 0
    seconds: float = 0.0
    summary: dict[str, Any] = field(default_factory=dict)
    simulation_id: str | None = None

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@contextlib.asynccontextmanager
async def _socket(url: str, key: str) -> AsyncIterator[ClientConnection]:
    async with connect(
        url, subprotocols=[Subprotocol("graphql-transport-ws")], max_size=None
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}})
        )
        ack = json.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"server refused the connection: {ack}")
        yield ws


async def simulate(
    url: str,
    key: str,
    group_id: str,
    sim_input: dict[str, Any],
    *,
    started: asyncio.Event | None = None,
    run: WsRun | None = None,
) -> WsRun:
    """Run one simulation over the websocket, receiving every trace; timed subscribe -> summary."""
    run = run if run is not None else WsRun()
    async with _socket(url, key) as ws:
        began = time.perf_counter()
        payload = {"query": SUBSCRIPTION, "variables": {"id": group_id, "input": sim_input}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        async for raw in ws:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif kind == "complete":
                break
            elif kind == "error" or message.get("payload", {}).get("errors"):
                raise RuntimeError(f"subscription failed: {message.get('payload')}")
            elif kind == "next":
                event = message["payload"]["data"]["simulateTraffic"]
                typename = event["__typename"]
                if typename == "SimulationProgress":
                    run.requests += len(event["requests"])
                    run.simulation_id = event["simulationId"]
                    if started is not None:
                        started.set()
                elif typename == "SimulationSummary":
                    run.summary = event
                else:
                    raise RuntimeError(f"{typename}: {event.get('message')}")
        run.seconds = time.perf_counter() - began
    return run


async def v1_latencies_ms(base_url: str, key: str, model: str, count: int) -> list[float]:
    """`count` sequential chat completions on a live group; each call's wall ms."""
    out: list[float] = []
    body = {"model": model, "messages": [{"role": "user", "content": "Hello"}]}
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {key}"}, timeout=60
    ) as client:
        for _ in range(count):
            began = time.perf_counter()
            response = await client.post("/v1/chat/completions", json=body)
            out.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
    return out


async def v1_latencies_ms_elsewhere(
    base_url: str, key: str, model: str, count: int, started: Callable[[], None] | None = None
) -> list[float]:
    """`v1_latencies_ms` from a process of its own (benchmarks/v1_probe.py); `started` is
    called when its first timed call is about to go (its start-up is not part of the window).
    The key goes in the environment: a command line is readable by everyone on the machine."""
    probe = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.v1_probe",
        base_url,
        model,
        str(count),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "V1_PROBE_KEY": key},
    )
    assert probe.stdout is not None
    ready = await probe.stdout.readline()
    if ready.strip() == b"ready" and started is not None:
        started()
    out = await probe.stdout.read()
    await probe.wait()
    if probe.returncode != 0 or ready.strip() != b"ready":
        raise RuntimeError(f"the /v1 probe failed (exit code {probe.returncode})")
    latencies: list[float] = json.loads(out)
    return latencies


@dataclass
class LiveBesideSimulation:
    idle_ms: list[float]
    busy_ms: list[float]
    simulated_requests_meanwhile: int
    simulated_per_s_beside: float = 0.0  # the simulation's own rate while /v1 calls ran
    simulated_per_s_alone: float = 0.0  # ... and right after, for as long, with no /v1 call

    def p99(self, values: list[float]) -> float:
        return percentile(sorted(values), 99)

    @property
    def ratio(self) -> float:
        return self.p99(self.busy_ms) / self.p99(self.idle_ms)


async def live_beside_simulation(
    base_url: str, url: str, key: str, *, group_id: str, model: str, count: int = 1000
) -> LiveBesideSimulation:
    """`/v1` p99 idle, then while a full-speed virtual-clock simulation streams to a client.
    The `/v1` caller is a process of its own (benchmarks/v1_probe.py), as a gateway's callers are:
    the simulation's client here decodes every trace batch on this process's loop."""
    await v1_latencies_ms(base_url, key, model, 20)  # warm
    idle = await v1_latencies_ms_elsewhere(base_url, key, model, count)
    started, run = asyncio.Event(), WsRun()
    big = {"numRequests": 100_000, "concurrency": 50, "seed": 1}
    simulation = asyncio.create_task(simulate(url, key, group_id, big, started=started, run=run))
    await started.wait()
    await asyncio.sleep(1.0)  # past the worker's start: the run is at full speed
    window: list[float] = []  # the simulation's requests and the time when /v1 calls began

    def calls_begin() -> None:
        window[:] = [run.requests, time.perf_counter()]

    busy = await v1_latencies_ms_elsewhere(base_url, key, model, count, calls_begin)
    meanwhile, took = run.requests - int(window[0]), time.perf_counter() - window[1]
    # The p99 only means something if the simulation really ran at full speed beside it (a
    # starved worker leaves the server idle): its rate alone, for as long, right after.
    alone_from = run.requests
    await asyncio.sleep(took)
    alone = run.requests - alone_from
    simulation.cancel()  # closing the subscription cancels the run
    with contextlib.suppress(asyncio.CancelledError):
        await simulation
    return LiveBesideSimulation(
        idle,
        busy,
        simulated_requests_meanwhile=meanwhile,
        simulated_per_s_beside=meanwhile / took,
        simulated_per_s_alone=alone / took,
    )
