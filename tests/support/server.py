"""Run the real app under uvicorn on a free 127.0.0.1 port, in a background thread."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import uvicorn
from starlette.applications import Starlette

from gql_server.app import create_app
from gql_server.settings import Settings

MASTER_KEY = "sk-test-master-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningServer:
    base_url: str
    ws_url: str
    master_key: str
    app: Starlette | None = None  # the app itself (its runtime: app.state.runtime)


@contextlib.contextmanager
def running_server(settings: Settings) -> Iterator[RunningServer]:
    port = free_port()
    settings = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="websockets-sansio",
        lifespan="on",
        proxy_headers=False,  # as `python -m gql_server`: TRUSTED_PROXIES decides
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if not thread.is_alive():
            raise RuntimeError("the server exited during start-up")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not become healthy within 60 s")
        time.sleep(0.1)
    master = settings.master_key.get_secret_value() if settings.master_key else ""
    try:
        yield RunningServer(
            base_url=base, ws_url=f"ws://127.0.0.1:{port}/graphql", master_key=master, app=app
        )
    finally:
        server.should_exit = True
        thread.join(timeout=30)
