"""`python -m gql_server --workers N`: N processes on one port that behave as one gateway."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from gql_server.__main__ import main
from tests.integration.access_helpers import create_group, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.processes import server_process
from tests.support.server import MASTER_KEY
from tests.support.stack import DEMO_CONFIG
from tests.support.ws_client import GraphQLWebSocket

REDIS = os.environ.get("TEST_REDIS_URL")
HELLO = [{"role": "user", "content": "Hello"}]
LIVE = """
subscription($id: ID!) { liveTraffic(routingGroupId: $id) {
  ... on LiveTrafficBatch { requests { success finalDeploymentId } } } }"""


def test_more_than_one_worker_without_redis_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(SystemExit, match="needs REDIS_URL"):
        main(["--workers", "2", "--port", "4379"])


@pytest.mark.skipif(REDIS is None, reason="needs TEST_REDIS_URL (set by .ci/run)")
def test_two_workers_serve_one_port_as_one_gateway(tmp_path: Path) -> None:
    assert REDIS is not None
    try:
        redis.Redis.from_url(REDIS, socket_timeout=5).ping()
    except redis.RedisError as error:
        pytest.fail(f"TEST_REDIS_URL={REDIS} is set but Redis cannot be reached: {error!r}")
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}",
        "REDIS_URL": REDIS,
        "REDIS_NAMESPACE": f"rg-test-{uuid.uuid4().hex[:8]}",
        "MASTER_KEY": MASTER_KEY,
        "SEED_GROUPS": "false",
        "UI_DIST": str(tmp_path / "no-ui"),
    }
    args = ("--workers", "2", "--mock", "--config", str(DEMO_CONFIG))
    with server_process(env, tmp_path / "workers.log", *args, ready_timeout=240) as gateway:
        workers = _children(gateway.process.pid)
        admin = GraphQLClient(gateway.base_url, MASTER_KEY)
        key_id, key = generate_key(admin, "worker-key")
        gid = create_group(admin, "two-workers", assignedKeyIds=[key_id])

        def call(key: str) -> int:
            # A new connection each time: the kernel spreads them over the workers.
            with httpx.Client(base_url=gateway.base_url, timeout=30) as fresh:
                reply = fresh.post(
                    "/v1/chat/completions",
                    json={"model": "two-workers", "messages": HELLO},
                    headers={"authorization": f"Bearer {key}"},
                )
                return reply.status_code

        async def watch_while_calling() -> list[dict[str, Any]]:
            socket = await GraphQLWebSocket.open(gateway.ws_url, MASTER_KEY)
            assert await socket.acknowledged()
            await socket.subscribe(LIVE, {"id": gid})
            seen: list[dict[str, Any]] = []
            statuses: list[int] = []
            async for message in socket.messages():
                seen.extend(message["payload"]["data"]["liveTraffic"]["requests"])
                if not statuses:
                    statuses = await asyncio.to_thread(lambda: [call(key) for _ in range(12)])
                    assert statuses == [200] * 12, "every worker knows the new group and key"
                if len(seen) >= 12:
                    break
            await socket.close()
            return seen

        seen = asyncio.run(asyncio.wait_for(watch_while_calling(), timeout=60))
        assert len(seen) == 12, "the watcher's worker hears the other worker's requests too"
        revoke_key(admin, key_id)
        assert [call(key) for _ in range(6)] == [401] * 6
        admin.close()
    assert len(workers) >= 2, workers


def _children(pid: int) -> list[int]:
    """The server's worker processes (uvicorn spawns one per worker, plus a helper or two)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return [child for child in found if b"gql_server" in _cmdline(child) or _is_worker(child)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _is_worker(pid: int) -> bool:
    return b"spawn_main" in _cmdline(pid) and b"resource_tracker" not in _cmdline(pid)
