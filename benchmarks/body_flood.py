"""`/healthz` latency while two clients send 1 MiB request bodies to `/graphql` (issue 13, item 1).

Before the body limit a 20 MB comment stalled `/healthz` 3-8 s per request. Here two clients
send, back to back, bodies of 1 MiB (at the limit: read, then refused as a too-long document
before lexing) and of 2 MiB (refused with 413 from Content-Length, unread), while a third
client asks `/healthz`. Printed: `/healthz` p50/p99 with and without the flood, side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import statistics
import time
from dataclasses import dataclass
from typing import Any

import httpx

MIB = 1024 * 1024


@dataclass(frozen=True)
class Flood:
    quiet_ms: list[float]
    flooded_ms: list[float]
    bodies_sent: int

    def table(self) -> str:
        def p(values: list[float], q: int) -> float:
            return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]

        lines = [f"{'/healthz latency (ms)':<34} {'p50':>8} {'p99':>8}"]
        lines.append(f"{'quiet':<34} {p(self.quiet_ms, 50):>8.1f} {p(self.quiet_ms, 99):>8.1f}")
        lines.append(
            f"{'two clients sending 1-2 MiB bodies':<34} "
            f"{p(self.flooded_ms, 50):>8.1f} {p(self.flooded_ms, 99):>8.1f}"
        )
        lines.append(f"{'bodies sent during the flood':<34} {self.bodies_sent:>8}")
        return "\n".join(lines)

    def p99_ms(self) -> float:
        return statistics.quantiles(self.flooded_ms, n=100)[98]


def _body(size: int) -> bytes:
    filler = size - len(json.dumps({"query": "#\n{ me { identity } }"}))
    return json.dumps({"query": "#" + "x" * filler + "\n{ me { identity } }"}).encode()


async def _probe(client: httpx.AsyncClient, seconds: float) -> list[float]:
    out: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        await client.get("/healthz")
        out.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.02)
    return out


def _flood(base: str, key: str, seconds: float, size: int, sent: Any) -> None:
    """One flooding client, in its own process: its work must not delay the probe's loop."""
    body = _body(size)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            # A 413 sent before the body is read closes the connection under the sender: fine.
            with contextlib.suppress(httpx.TransportError):
                client.post("/graphql", content=body)
            with sent.get_lock():
                sent.value += 1


async def measure_flood(base: str, key: str, seconds: float = 20.0) -> Flood:
    sent = multiprocessing.Value("i", 0)
    floods = [
        multiprocessing.Process(target=_flood, args=(base, key, seconds, size, sent))
        for size in (MIB, 2 * MIB)
    ]
    async with httpx.AsyncClient(base_url=base, timeout=60) as probe:
        quiet = await _probe(probe, min(seconds, 5.0))
        for process in floods:
            process.start()
        flooded = await _probe(probe, seconds)
    for process in floods:
        process.join(timeout=60)
    return Flood(quiet_ms=quiet, flooded_ms=flooded, bodies_sent=int(sent.value))
