"""Start the real server as a subprocess (temp SQLite, known master key) for benchmarks."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.processes import ROOT, server_process

KEY = "sk-bench-master-key"
CREATE = """mutation($input: RoutingGroupInput!) {
  createRoutingGroup(input: $input) { __typename ... on RoutingGroup { routingGroupId } } }"""
STORY: dict[str, Any] = {
    "routingGroupName": "bench-failover",
    "routingStrategy": "PRIORITY_FAILOVER",
    "deployments": [
        {"modelId": "nebius-llama-3.3-70b", "priority": 1},
        {"modelId": "fireworks-llama-v3p3-70b", "priority": 2},
        {"modelId": "azure-gpt-4o", "priority": 3},
    ],
    "retryConfig": {"numRetries": 0},
}
HOUR: dict[str, Any] = {
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
    group_name: str = STORY["routingGroupName"]
    database_url: str = ""  # the server's database (the replay bench writes its log window)
    pid: int = 0  # the server process (profiles)


@contextlib.contextmanager
def served() -> Iterator[Served]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
            "MASTER_KEY": KEY,
            "SEED_GROUPS": "false",
            "LOG_LEVEL": "WARNING",
            "MOCK_MODE": "true",  # live `/v1` calls answer mock responses too
        }
        config = ("--config", str(ROOT / "examples" / "demo-config.yaml"))
        with server_process(env, Path(tmp) / "server.log", *config) as server:
            yield Served(
                ws_url=server.ws_url,
                key=KEY,
                group_id=_create(server.base_url, STORY),
                base_url=server.base_url,
                hour_group_id=_create(server.base_url, HOUR),
                database_url=env["DATABASE_URL"],
                pid=server.process.pid,
            )


def _create(base: str, group: dict[str, Any]) -> str:
    answer = httpx.post(
        f"{base}/graphql",
        json={"query": CREATE, "variables": {"input": group}},
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=30,
    ).json()
    return str(answer["data"]["createRoutingGroup"]["routingGroupId"])
