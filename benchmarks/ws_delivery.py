"""Delivery latency of simulation traces over the GraphQL websocket (graphql-transport-ws).

For every request in every `SimulationProgress` the client receives, the delay is
(wall clock when the message arrived) - (the request's `finishedAtMs`, stamped by the engine
when the Router call returned). Both clocks are the same machine's when the server is local.
Run against a live server: `python -m benchmarks --ws-url ws://127.0.0.1:4000/graphql
--key <key> --group <routing group id>`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from gql_server.core.simulation.stats import percentile

SUBSCRIPTION = """
subscription($id: ID!, $input: SimulationInput!) {
  simulateTraffic(id: $id, input: $input) {
    __typename
    ... on SimulationProgress {
      completed total
      requests { requestIndex success latencyMs finalDeploymentId finishedAtMs }
    }
    ... on SimulationSummary { totalRequests }
    ... on Error { message }
  }
}
"""


@dataclass
class DeliveryStats:
    delays_ms: list[float] = field(default_factory=list)
    progress_events: int = 0
    total_requests: int | None = None  # from the summary

    def add_progress(self, event: Mapping[str, Any], received_at_ms: float) -> None:
        self.progress_events += 1
        for request in event.get("requests") or ():
            finished = request.get("finishedAtMs")
            if isinstance(finished, int | float):
                self.delays_ms.append(received_at_ms - finished)

    def p99_ms(self) -> float:
        return percentile(sorted(self.delays_ms), 99)

    def table(self) -> str:
        ordered = sorted(self.delays_ms)
        return "\n".join(
            [
                f"{'websocket delivery':<34} {'value':>10}",
                f"{'requests timed':<34} {len(ordered):>10}",
                f"{'progress events':<34} {self.progress_events:>10}",
                f"{'p50 finish -> client (ms)':<34} {percentile(ordered, 50):>10.1f}",
                f"{'p99 finish -> client (ms)':<34} {percentile(ordered, 99):>10.1f}",
                f"{'max finish -> client (ms)':<34} {(ordered[-1] if ordered else 0.0):>10.1f}",
            ]
        )


async def measure_delivery(
    url: str,
    key: str,
    group_id: str,
    *,
    num_requests: int = 2000,
    concurrency: int = 50,
    seed: int = 1,
) -> DeliveryStats:
    stats = DeliveryStats()
    variables = {
        "id": group_id,
        "input": {"numRequests": num_requests, "concurrency": concurrency, "seed": seed},
    }
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}})
        )
        ack = json.loads(await ws.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"server refused the connection: {ack}")
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": variables},
                }
            )
        )
        async for raw in ws:
            received_at_ms = time.time() * 1000
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "ping":
                await ws.send(json.dumps({"type": "pong"}))
            elif kind == "error":
                raise RuntimeError(f"subscription failed: {message.get('payload')}")
            elif kind == "complete":
                break
            elif kind == "next":
                _on_event(stats, message["payload"], received_at_ms)
    return stats


def _on_event(stats: DeliveryStats, payload: Mapping[str, Any], received_at_ms: float) -> None:
    if payload.get("errors"):
        raise RuntimeError(f"subscription failed: {payload['errors']}")
    event = payload["data"]["simulateTraffic"]
    typename = event.get("__typename")
    if typename == "SimulationProgress":
        stats.add_progress(event, received_at_ms)
    elif typename == "SimulationSummary":
        stats.total_requests = event.get("totalRequests")
    else:
        raise RuntimeError(f"{typename}: {event.get('message')}")
