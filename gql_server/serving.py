"""uvicorn with a bounded, ordered shutdown.

On SIGTERM (or SIGINT) the server
1. stops accepting connections,
2. runs the app's `before_sockets_close` (simulations stop; their cancelled summaries are sent
   on their still-open sockets and saved),
3. lets uvicorn close websockets and wait for in-flight requests, cancelling what is still
   running when `shutdown_timeout_seconds` is up, then runs the lifespan shutdown.
Once shutdown starts every HTTP answer carries `Connection: close` (`CloseWhenDraining`), so a
keep-alive client is not served on and on through the shutdown window.
A second signal exits at once, and a watchdog exits the process if the whole sequence has not
finished shortly after the timeout (a stuck thread or a hung shutdown step never keeps it alive).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
from collections.abc import Awaitable, Callable
from types import FrameType
from typing import Any

import uvicorn

log = logging.getLogger("gql_server")

# What the watchdog allows beyond the graceful timeout: the lifespan shutdown's own work.
WATCHDOG_GRACE_SECONDS = 5.0
EXIT_FORCED = 1


class GracefulServer(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        before_sockets_close: Callable[[], Awaitable[None]],
        timeout_seconds: float,
    ) -> None:
        super().__init__(config)
        self._before_sockets_close = before_sockets_close
        self._timeout = timeout_seconds
        self._watchdog: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            log.warning("second signal during shutdown: exiting now")
            logging.shutdown()
            os._exit(EXIT_FORCED)
        super().handle_exit(sig, frame)
        self._start_watchdog()

    def _start_watchdog(self) -> None:
        if self._watchdog is not None:
            return
        self._watchdog = threading.Timer(self._timeout + WATCHDOG_GRACE_SECONDS, _forced_exit)
        self._watchdog.daemon = True
        self._watchdog.start()

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._start_watchdog()
        for server in self.servers:
            server.close()
        try:
            await asyncio.wait_for(self._before_sockets_close(), timeout=self._timeout)
        except TimeoutError:
            log.error("stopping simulations took longer than %.0f s", self._timeout)
        except Exception:
            log.exception("could not stop the running simulations cleanly")
        await super().shutdown(sockets)


def _forced_exit() -> None:
    log.error("shutdown did not finish in time: exiting")
    logging.shutdown()
    os._exit(EXIT_FORCED)


class CloseWhenDraining:
    """ASGI middleware: once `draining()` says so, every HTTP answer says `Connection: close`
    (uvicorn then closes the connection after it), whatever the client asked for."""

    def __init__(self, app: Any, draining: Callable[[], bool]) -> None:
        self._app = app
        self._draining = draining

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_closing(message: Any) -> None:
            if message["type"] == "http.response.start" and self._draining():
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() != b"connection"
                ]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self._app(scope, receive, send_closing)
