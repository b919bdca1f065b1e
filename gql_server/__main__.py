"""`python -m gql_server [--host H] [--port P] [--config PATH] [--mock] [--workers N]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette

from gql_server.app import (
    announce,
    before_sockets_close,
    create_app,
    generated_master_key,
    prepare,
)
from gql_server.services.metrics import MULTIPROCESS_DIR_ENV
from gql_server.serving import GracefulServer
from gql_server.settings import Settings
from gql_server.store.url_check import DatabaseUrlError, check_database_url

# Set by `run_workers` for its workers: each leaves a file named by its pid here once it serves.
READY_DIR_ENV = "ROUTING_GROUPS_READY_DIR"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gql_server", description=__doc__)
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--config", type=Path, default=None, help="LiteLLM-style model_list YAML")
    parser.add_argument(
        "--mock", action="store_true", help="route for real but never call a provider"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes on one port (needs REDIS_URL)"
    )
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {}
    if args.host is not None:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    if args.config is not None:
        overrides["config_path"] = args.config
    if args.mock:
        overrides["mock_mode"] = True
    settings = Settings(**overrides)  # type: ignore[arg-type]
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(check_database_url(settings.database_url))
    except DatabaseUrlError as bad:
        raise SystemExit(f"routing-groups: {bad}") from None  # one line, no traceback
    if args.workers > 1:
        run_workers(settings, args.workers)
        return
    app = create_app(settings)
    config = uvicorn.Config(app, **_uvicorn_options(settings))
    server = GracefulServer(
        config,
        before_sockets_close=lambda: before_sockets_close(app),
        timeout_seconds=settings.shutdown_timeout_seconds,
    )
    server.run()


def _uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "ws": "websockets-sansio",
        # A websocket frame above the GraphQL body limit is refused while it is read.
        "ws_max_size": settings.graphql_max_body_bytes,
        "timeout_graceful_shutdown": math.ceil(settings.shutdown_timeout_seconds),
        # uvicorn would take X-Forwarded-For from 127.0.0.1 as the client: TRUSTED_PROXIES decides.
        "proxy_headers": False,
    }


def run_workers(settings: Settings, workers: int) -> None:
    """N uvicorn workers on one port that behave as one gateway: they share group changes,
    revocations, live traffic and the Routers' cooldowns and usage through Redis, and the data
    through the database. The one-time start-up work (migrations, config import, seeding) runs
    here first, once, so the workers never race on it. "Ready" is printed once every worker has
    started and the port answers /healthz."""
    if not settings.redis_url:
        raise SystemExit("--workers > 1 needs REDIS_URL: workers share state only through Redis")
    master_key = settings.master_key.get_secret_value() if settings.master_key else None
    generated = master_key is None
    if master_key is None:
        master_key = generated_master_key()
    # Each worker builds its own Settings from the environment: hand it the command line.
    os.environ.update(
        HOST=settings.host,
        PORT=str(settings.port),
        MASTER_KEY=master_key,
        MOCK_MODE=str(settings.mock_mode).lower(),
        **({"CONFIG_PATH": str(settings.config_path)} if settings.config_path else {}),
    )
    asyncio.run(prepare(Settings()))
    with tempfile.TemporaryDirectory(prefix="routing-groups-") as run_dir:
        ready_dir = Path(run_dir) / "ready"
        ready_dir.mkdir()
        os.environ[READY_DIR_ENV] = str(ready_dir)
        _count_across_workers(Path(run_dir) / "metrics")
        threading.Thread(
            target=_announce_when_serving,
            args=(settings, master_key, generated, ready_dir, workers),
            name="ready-announcer",
            daemon=True,
        ).start()
        uvicorn.run(
            "gql_server.__main__:worker_app",
            factory=True,
            workers=workers,
            **_uvicorn_options(settings),
        )


def _count_across_workers(default_dir: Path) -> None:
    """/metrics in prometheus_client's multiprocess mode: the workers write their counters to
    files in one directory and any of them serves the sum (`PROMETHEUS_MULTIPROC_DIR`, ours
    unless set; its files from an earlier run are removed, as prometheus_client requires)."""
    directory = Path(os.environ.setdefault(MULTIPROCESS_DIR_ENV, str(default_dir)))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def _announce_when_serving(
    settings: Settings, master_key: str, generated: bool, ready_dir: Path, workers: int
) -> None:
    # A wildcard bind answers on loopback.
    loopback = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}  # noqa: S104
    host = loopback.get(settings.host, settings.host)
    url = f"http://{f'[{host}]' if ':' in host else host}:{settings.port}/healthz"
    while len(list(ready_dir.iterdir())) < workers or not _answers(url):
        time.sleep(0.05)
    announce(settings, master_key, generated)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:  # noqa: S310 - our own http URL
            return bool(reply.status == 200)
    except OSError:
        return False


def worker_app() -> Starlette:
    """The app of one worker process (`uvicorn --factory gql_server.__main__:worker_app`)."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    ready_dir = os.environ.get(READY_DIR_ENV)
    if ready_dir is None:  # started by hand: say so itself
        return create_app(settings)
    return create_app(settings, on_ready=(Path(ready_dir) / str(os.getpid())).touch)


if __name__ == "__main__":
    main()
