"""Run `python -m gql_server` as a real separate process (its own interpreter, loop and GIL)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.server import RunningServer, free_port

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def server_process(
    env: dict[str, str], master_key: str, config: Path | None = None
) -> Iterator[RunningServer]:
    port = free_port()
    args = [sys.executable, "-m", "gql_server", "--port", str(port)]
    if config is not None:
        args += ["--config", str(config)]
    full_env = {**os.environ, "MASTER_KEY": master_key, "LOG_LEVEL": "WARNING", **env}
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            args, env=full_env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    tail = output.read().decode(errors="replace")[-3000:]
                    raise RuntimeError(f"the server process did not start:\n{tail}")
                time.sleep(0.2)
            yield RunningServer(
                base_url=base, ws_url=f"ws://127.0.0.1:{port}/graphql", master_key=master_key
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
