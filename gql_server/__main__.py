"""`python -m gql_server [--host H] [--port P] [--config model_list.yaml] [--mock]`."""

from __future__ import annotations

import argparse
import logging
import math
from pathlib import Path

import uvicorn

from gql_server.app import before_sockets_close, create_app
from gql_server.serving import GracefulServer
from gql_server.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gql_server", description=__doc__)
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--config", type=Path, default=None, help="LiteLLM-style model_list YAML")
    parser.add_argument(
        "--mock", action="store_true", help="route for real but never call a provider"
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
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        ws="websockets-sansio",
        # A websocket frame above the GraphQL body limit is refused while it is read.
        ws_max_size=settings.graphql_max_body_bytes,
        timeout_graceful_shutdown=math.ceil(settings.shutdown_timeout_seconds),
    )
    server = GracefulServer(
        config,
        before_sockets_close=lambda: before_sockets_close(app),
        timeout_seconds=settings.shutdown_timeout_seconds,
    )
    server.run()


def quiet_litellm() -> None:
    """litellm logs a line per call at INFO (and prints to stderr itself); at simulation speed
    that is thousands of lines a second. Keep its warnings, drop its chatter."""
    for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import litellm

    litellm.suppress_debug_info = True


if __name__ == "__main__":
    main()
