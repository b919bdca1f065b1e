"""Issue 13, items 3-4: `python -m gql_server` as a real subprocess, with a slow request in
flight (a provider that answers after ten minutes).

SIGTERM used to close the listener and leave the process alive 95 s later, even after a second
SIGTERM. Now shutdown is bounded by SHUTDOWN_TIMEOUT_SECONDS and a second signal exits at once.
The waits below are generous bounds on a hang, far below the provider's ten minutes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.fakes.openai_server import FakeOpenAIServer
from tests.support.operations import TEST
from tests.support.polling import eventually
from tests.support.server import MASTER_KEY, free_port

ROOT = Path(__file__).resolve().parents[2]
TEN_MINUTES = 600.0


@pytest.fixture
def slow_provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as provider:
        provider.answer("slow", delay_s=TEN_MINUTES)
        yield provider


def _config(tmp_path: Path, provider: FakeOpenAIServer) -> Path:
    config = {
        "model_list": [
            {
                "model_name": "slow",
                "litellm_params": {
                    "model": "openai/slow",
                    "api_base": provider.base_url,
                    "api_key": "os.environ/SLOW_PROVIDER_KEY",
                },
                "model_info": {"id": "slow"},
            }
        ],
        "routing_groups": [
            {
                "routing_group_name": "slow-group",
                "routing_strategy": "PRIORITY_FAILOVER",
                "deployments": [{"model_id": "slow", "priority": 1}],
            }
        ],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


class _Server:
    def __init__(self, tmp_path: Path, provider: FakeOpenAIServer, shutdown_s: float) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ | {
            "MASTER_KEY": MASTER_KEY,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
            "SHUTDOWN_TIMEOUT_SECONDS": str(shutdown_s),
            "SLOW_PROVIDER_KEY": "sk-slow",
            "UI_DIST": str(tmp_path / "no-ui"),
        }
        command = [sys.executable, "-m", "gql_server", "--port", str(self.port)]
        command += ["--config", str(_config(tmp_path, provider))]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 90
        while True:
            assert self.process.poll() is None, (
                self.process.stderr.read() if self.process.stderr else ""
            )
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

    def group_id(self) -> str:
        body = httpx.post(
            f"{self.base}/graphql",
            json={"query": "{ routingGroups { items { routingGroupId } } }"},
            headers={"Authorization": f"Bearer {MASTER_KEY}"},
        ).json()
        return str(body["data"]["routingGroups"]["items"][0]["routingGroupId"])

    def start_slow_request(self, provider: FakeOpenAIServer) -> None:
        variables = {"id": self.group_id(), "mock": False}

        def call() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server went away: expected
                httpx.post(
                    f"{self.base}/graphql",
                    json={"query": TEST, "variables": variables},
                    headers={"Authorization": f"Bearer {MASTER_KEY}"},
                    timeout=TEN_MINUTES,
                )

        threading.Thread(target=call, daemon=True).start()
        deadline = time.monotonic() + 60
        while not provider.requests:
            assert time.monotonic() < deadline, "the slow request never reached the provider"
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_sigterm_exits_with_a_slow_request_in_flight(
    tmp_path: Path, slow_provider: FakeOpenAIServer
) -> None:
    server = _Server(tmp_path, slow_provider, shutdown_s=2)
    try:
        server.start_slow_request(slow_provider)
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=90)  # raises TimeoutExpired if it hangs
    finally:
        server.kill()


def test_a_second_sigterm_exits_at_once(tmp_path: Path, slow_provider: FakeOpenAIServer) -> None:
    server = _Server(tmp_path, slow_provider, shutdown_s=TEN_MINUTES)
    try:
        server.start_slow_request(slow_provider)
        server.process.send_signal(signal.SIGTERM)
        eventually(lambda: _refuses_connections(server.base))  # the graceful shutdown began
        assert server.process.poll() is None  # still waiting for the slow request
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=60)  # far less than the ten-minute graceful timeout
    finally:
        server.kill()


def _refuses_connections(base: str) -> bool:
    try:
        httpx.get(f"{base}/healthz", timeout=2)
    except httpx.ConnectError:
        return True
    except httpx.HTTPError:
        pass
    return False
