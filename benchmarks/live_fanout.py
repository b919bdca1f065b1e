"""`liveTraffic` fan-out cost: `/v1` throughput and server CPU per request with N websocket
subscribers on the group (graphql-ws clients, the UI's subscription document) vs none.

`/v1` load: the openai client, `concurrency` calls in flight for `seconds`, on the live group
(mock responses). Server CPU is the server process's user+system time (/proc) over the load.
Printed as ratios to the no-subscriber run, so the machine's speed cancels out.

    python -m benchmarks.live_fanout [--seconds 8] [--keys 40]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from openai import AsyncOpenAI
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from benchmarks.serve import Served, served

LIVE = """subscription LiveTraffic($id: ID!) { liveTraffic(routingGroupId: $id) { __typename
  ... on LiveTrafficBatch { routingGroupId requests { success latencyMs startedAtMs finishedAtMs
    finalDeploymentId attempts { deploymentId deploymentName provider status errorKind
    fallbackDepth latencyMs } skipped { deploymentId reason } } }
  ... on Error { message } } }"""
GENERATE = """mutation($alias: String!) { generateKey(input: {keyAlias: $alias}) {
  ... on GeneratedKey { keyId key } } }"""
ASSIGN = """mutation($id: ID!, $input: RoutingGroupPatch!) {
  updateRoutingGroup(id: $id, input: $input) { __typename } }"""
PER_KEY = 10  # LIVE_TRAFFIC_SUBSCRIPTIONS_PER_KEY's default


@dataclass(frozen=True)
class Load:
    label: str
    subscribers: int
    requests_per_s: float
    cpu_ms_per_request: float
    batches_received: int


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _gql(server: Served, query: str, **variables: object) -> dict[str, object]:
    async with httpx.AsyncClient(timeout=60) as client:
        answer = await client.post(
            f"{server.base_url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {server.key}"},
        )
    data: dict[str, object] = answer.json()["data"]
    return data


async def team_keys(server: Served, count: int) -> list[str]:
    """`count` non-master keys, each assigned to the bench group."""
    made = [await _gql(server, GENERATE, alias=f"fanout-{i}") for i in range(count)]
    keys = [m["generateKey"] for m in made]
    ids = [k["keyId"] for k in keys]  # type: ignore[index]
    await _gql(server, ASSIGN, id=server.group_id, input={"assignedKeyIds": ids})
    return [k["key"] for k in keys]  # type: ignore[index]


@contextlib.asynccontextmanager
async def subscribed(server: Served, keys: list[str], per_key: int) -> AsyncIterator[list[int]]:
    """`per_key` liveTraffic subscriptions per key (one socket per key), held and read by a
    child process (so reading them costs the `/v1` client nothing); on exit the cell holds how
    many `next` messages the child received meanwhile."""
    received = [0]
    if not keys:
        yield received
        return
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "benchmarks.live_fanout",
        "--child",
        json.dumps({"url": server.ws_url, "group": server.group_id, "perKey": per_key}),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write((json.dumps(keys) + "\n").encode())
    await child.stdin.drain()
    if (await child.stdout.readline()).strip() != b"ready":
        raise RuntimeError("the subscribers' process could not subscribe")
    try:
        yield received
    finally:
        child.stdin.write(b"stop\n")
        await child.stdin.drain()
        received[0] = int((await child.stdout.readline()).strip() or 0)
        await child.wait()


async def _hold(url: str, group_id: str, per_key: int, keys: list[str]) -> int:
    """The child: subscribe, say ready, read until told to stop; returns messages received."""
    received = [0]
    readers: list[asyncio.Task[None]] = []
    async with contextlib.AsyncExitStack() as stack:
        for key in keys:
            ws = await stack.enter_async_context(_socket(url, key))
            for n in range(per_key):
                payload = {"query": LIVE, "variables": {"id": group_id}}
                await ws.send(json.dumps({"id": str(n), "type": "subscribe", "payload": payload}))
            for _ in range(per_key):  # each subscription's first, empty batch: it is in place
                first = await ws.recv()
                if "LiveTrafficBatch" not in str(first):
                    raise RuntimeError(f"subscription refused: {first!r}")
            readers.append(asyncio.create_task(_read(ws, received)))
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        for reader in readers:
            reader.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    return received[0]


@contextlib.asynccontextmanager
async def _socket(url: str, key: str) -> AsyncIterator[ClientConnection]:
    async with connect(
        url, subprotocols=[Subprotocol("graphql-transport-ws")], max_size=None
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {key}"}})
        )
        if json.loads(await ws.recv()).get("type") != "connection_ack":
            raise RuntimeError("server refused the socket")
        yield ws


async def _read(ws: ClientConnection, received: list[int]) -> None:
    async for raw in ws:
        text = raw if isinstance(raw, str) else raw.decode()
        if text.startswith('{"type":"ping"'):
            await ws.send('{"type":"pong"}')
        else:
            received[0] += 1


async def v1_load(server: Served, seconds: float, concurrency: int) -> tuple[int, float]:
    """Calls completed and server CPU seconds over `seconds` of closed-loop `/v1` load."""
    client = AsyncOpenAI(base_url=f"{server.base_url}/v1", api_key=server.key, max_retries=0)
    done = 0
    stop = time.monotonic() + seconds

    async def caller() -> None:
        nonlocal done
        while time.monotonic() < stop:
            await client.chat.completions.create(
                model=server.group_name, messages=[{"role": "user", "content": "Hello"}]
            )
            done += 1

    async with client:
        cpu = _cpu_seconds(server.pid)
        await asyncio.gather(*(caller() for _ in range(concurrency)))
        cpu = _cpu_seconds(server.pid) - cpu
    return done, cpu


async def measure(
    server: Served, label: str, *, keys: list[str], per_key: int, seconds: float, concurrency: int
) -> Load:
    async with subscribed(server, keys, per_key) as received:
        began = time.monotonic()
        done, cpu = await v1_load(server, seconds, concurrency)
        elapsed = time.monotonic() - began
    return Load(label, len(keys) * per_key, done / elapsed, cpu * 1000 / max(done, 1), received[0])


async def fanout(server: Served, *, seconds: float, keys: int, concurrency: int) -> list[Load]:
    team = await team_keys(server, max(keys, 1))
    await v1_load(server, 2, concurrency)  # warm
    shapes = [
        ("no subscribers", [], 0),
        ("1 subscriber", team[:1], 1),
        (f"{PER_KEY} (one key at its cap)", team[:1], PER_KEY),
        (f"{keys} keys x {PER_KEY}", team[:keys], PER_KEY),
    ]
    runs = [
        await measure(server, label, keys=k, per_key=n, seconds=seconds, concurrency=concurrency)
        for label, k, n in shapes
    ]
    return runs


def table(runs: list[Load]) -> str:
    base = runs[0]
    lines = [
        f"{'subscribers':<28} {'/v1 req/s':>10} {'ratio':>7} {'CPU ms/req':>11} {'ratio':>7}"
        f" {'next msgs':>10}"
    ]
    for run in runs:
        lines.append(
            f"{run.label:<28} {run.requests_per_s:>10.0f} "
            f"{run.requests_per_s / base.requests_per_s:>6.2f}x {run.cpu_ms_per_request:>11.2f} "
            f"{run.cpu_ms_per_request / base.cpu_ms_per_request:>6.2f}x {run.batches_received:>10,}"
        )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    if args.child:
        spec = json.loads(args.child)
        keys = json.loads(sys.stdin.readline())
        print(await _hold(spec["url"], spec["group"], spec["perKey"], keys), flush=True)
        return
    with served() as server:
        runs = await fanout(
            server, seconds=args.seconds, keys=args.keys, concurrency=args.concurrency
        )
    print(f"liveTraffic fan-out: /v1 load ({args.concurrency} in flight) vs subscribers")
    print(table(runs))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_fanout")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # the subscribers' process
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
