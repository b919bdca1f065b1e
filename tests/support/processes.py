"""Real `python -m gql_server` processes (their own interpreter, loop and GIL), for multi-instance
and multi-worker tests."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.server import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ServerProcess:
    base_url: str
    ws_url: str
    log: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def started_server(env: Mapping[str, str | None], log: Path, *args: str) -> Iterator[ServerProcess]:
    """The server on a free loopback port, its output in `log`, not waited for; stopped on exit
    (terminated, killed if it takes over 30 s). `env` is added to this process's environment; a
    None value removes that variable."""
    port = free_port()
    command = [sys.executable, "-m", "gql_server", "--host", "127.0.0.1", "--port", str(port)]
    merged = {**os.environ, **env}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, *args],
            cwd=ROOT,
            env={name: value for name, value in merged.items() if value is not None},
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield ServerProcess(
            f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/graphql", log, process
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def server_process(
    env: Mapping[str, str | None], log: Path, *args: str, ready_timeout: float = 90.0
) -> Iterator[ServerProcess]:
    """`started_server`, yielded once its /healthz answers 200."""
    with started_server(env, log, *args) as running:
        _wait_healthy(running, ready_timeout)
        yield running


def _wait_healthy(server: ServerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited during start-up:\n{server.output()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/healthz", timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not become healthy:\n{server.output()}")
        time.sleep(0.2)
