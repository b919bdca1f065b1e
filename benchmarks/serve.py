"""Start the real server as a subprocess (temp SQLite, known master key) for benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-bench-master-key"
CREATE = """mutation($input: RoutingGroupInput!) {
  createRoutingGroup(input: $input) { __typename ... on RoutingGroup { routingGroupId } } }"""
STORY = {
    "routingGroupName": "bench-failover",
    "routingStrategy": "PRIORITY_FAILOVER",
    "deployments": [
        {"modelId": "nebius-llama-3.3-70b", "priority": 1},
        {"modelId": "fireworks-llama-v3p3-70b", "priority": 2},
        {"modelId": "azure-gpt-4o", "priority": 3},
    ],
    "retryConfig": {"numRetries": 0},
}
HOUR = {
    **STORY,
    "routingGroupName": "bench-hour",
    "cooldownConfig": {"allowedFails": 1, "cooldownTimeSeconds": 60},
}


@dataclass
class Served:
    ws_url: str
    key: str
    group_id: str  # STORY's group
    base_url: str = ""
    hour_group_id: str = ""  # HOUR's group (60 s cooldowns)
    group_name: str = STORY["routingGroupName"]  # type: ignore[assignment]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served() -> Iterator[Served]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
            "MASTER_KEY": KEY,
            "SEED_GROUPS": "false",
            "LOG_LEVEL": "WARNING",
            "MOCK_MODE": "true",  # live `/v1` calls answer mock responses too
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gql_server",
                "--port",
                str(port),
                "--config",
                str(ROOT / "examples" / "demo-config.yaml"),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the benchmark server did not start")
                time.sleep(0.2)
            yield Served(
                ws_url=f"ws://127.0.0.1:{port}/graphql",
                key=KEY,
                group_id=_create(base, STORY),
                base_url=base,
                hour_group_id=_create(base, HOUR),
            )
        finally:
            process.terminate()
            process.wait(timeout=30)


def _create(base: str, group: dict[str, object]) -> str:
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": CREATE, "variables": {"input": group}},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    ).json()
    return str(answer["data"]["createRoutingGroup"]["routingGroupId"])
