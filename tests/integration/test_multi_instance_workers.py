"""`python -m gql_server --workers N`: N processes on one port that behave as one gateway."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gql_server.__main__ import main
from tests.integration.access_helpers import create_group, generate_key, revoke_key
from tests.support.graphql_client import GraphQLClient
from tests.support.processes import server_process, started_server
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


@pytest.mark.redis
def test_two_workers_serve_one_port_as_one_gateway(tmp_path: Path) -> None:
    assert REDIS is not None
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


READY = "Routing Groups is ready"


@dataclass
class Workers:
    base_url: str
    log: Path
    probes: list[str]  # /healthz on fresh connections, right after "ready" was printed


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    """`--workers 2`, watched from its first line: when it says it is ready, is it?"""
    assert REDIS is not None, "a `redis` test: conftest fails it when TEST_REDIS_URL is unset"
    tmp = tmp_path_factory.mktemp("workers")
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'workers.db'}",
        "REDIS_URL": REDIS,
        "REDIS_NAMESPACE": f"rg-test-{uuid.uuid4().hex[:8]}",
        "MASTER_KEY": MASTER_KEY,
        "SEED_GROUPS": "false",
        "UI_DIST": str(tmp / "no-ui"),
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": None,
    }
    args = ("--workers", "2", "--mock", "--config", str(DEMO_CONFIG))
    with started_server(env, tmp / "workers.log", *args) as server:
        deadline = time.monotonic() + 240
        while READY not in server.output():
            assert server.process.poll() is None, server.output()
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.02)
        probes = [_probe(server.base_url) for _ in range(10)]
        while _probe(server.base_url) != "200":  # the other tests need it serving, whatever it said
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.1)
        yield Workers(server.base_url, server.log, probes)


def _probe(base_url: str) -> str:
    try:
        return str(httpx.get(f"{base_url}/healthz", timeout=5).status_code)
    except httpx.HTTPError as error:
        return type(error).__name__


def test_workers_say_ready_once_and_only_when_serving(workers: Workers) -> None:
    assert workers.probes == ["200"] * 10
    assert workers.log.read_text(errors="replace").count(READY) == 1


def test_metrics_of_the_workers_add_up_on_every_scrape(workers: Workers) -> None:
    admin = GraphQLClient(workers.base_url, MASTER_KEY)
    key_id, key = generate_key(admin, "metered-worker-key")
    create_group(admin, "metered-workers", assignedKeyIds=[key_id])
    admin.close()

    def call(_: int) -> int:
        # A new connection each time: the kernel spreads them over the workers.
        with httpx.Client(base_url=workers.base_url, timeout=30) as fresh:
            reply = fresh.post(
                "/v1/chat/completions",
                json={"model": "metered-workers", "messages": HELLO},
                headers={"authorization": f"Bearer {key}"},
            )
            return reply.status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(call, range(20))) == [200] * 20

    def scrape() -> tuple[float, float, float]:
        with httpx.Client(base_url=workers.base_url, timeout=30) as fresh:
            text = fresh.get("/metrics", headers={"authorization": f"Bearer {MASTER_KEY}"}).text
        found = {"requests": 0.0, "attempts": 0.0, "latency": 0.0}
        cooling = []
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.labels.get("group") != "metered-workers":
                    continue
                if sample.name == "routing_groups_deployment_cooling_down":
                    cooling.append(sample.value)
                if sample.name == "routing_groups_requests_total":
                    found["requests"] += sample.value
                elif sample.name == "routing_groups_attempts_total":
                    found["attempts"] += sample.value
                elif sample.name == "routing_groups_request_latency_seconds_count":
                    found["latency"] += sample.value
        assert cooling and set(cooling) == {0.0}, "read from the live Router at each scrape"
        return found["requests"], found["attempts"], found["latency"]

    scrapes = [scrape() for _ in range(12)]
    # Whichever worker answers, it counts every worker's requests: never backwards, always 20.
    assert scrapes == [(20.0, 20.0, 20.0)] * 12
