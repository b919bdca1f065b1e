"""`python -m gql_server [--host H] [--port P] [--config PATH] [--mock] [--workers N]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from gql_server.app import create_app, generated_master_key, prepare
from gql_server.settings import Settings


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
    quiet_litellm()
    if args.workers > 1:
        run_workers(settings, args.workers)
        return
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        ws="websockets-sansio",
    )


def run_workers(settings: Settings, workers: int) -> None:
    """N uvicorn workers on one port that behave as one gateway: they share group changes,
    revocations, live traffic and the Routers' cooldowns and usage through Redis, and the data
    through the database. The one-time start-up work (migrations, config import, seeding) runs
    here first, once, so the workers never race on it."""
    if not settings.redis_url:
        raise SystemExit("--workers > 1 needs REDIS_URL: workers share state only through Redis")
    master_key = settings.master_key.get_secret_value() if settings.master_key else None
    if master_key is None:
        master_key = generated_master_key()
        print(f"MASTER_KEY was not set; generated for this run: {master_key}", flush=True)
    # Each worker builds its own Settings from the environment: hand it the command line.
    os.environ.update(
        HOST=settings.host,
        PORT=str(settings.port),
        MASTER_KEY=master_key,
        MOCK_MODE=str(settings.mock_mode).lower(),
        **({"CONFIG_PATH": str(settings.config_path)} if settings.config_path else {}),
    )
    asyncio.run(prepare(Settings()))
    uvicorn.run(
        "gql_server.__main__:worker_app",
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        ws="websockets-sansio",
    )


def worker_app() -> Starlette:
    """The app of one worker process (`uvicorn --factory gql_server.__main__:worker_app`)."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    quiet_litellm()
    return create_app(settings)


def quiet_litellm() -> None:
    """litellm logs a line per call at INFO (and prints to stderr itself); at simulation speed
    that is thousands of lines a second. Keep its warnings, drop its chatter."""
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import litellm

    litellm.suppress_debug_info = True


if __name__ == "__main__":
    main()
