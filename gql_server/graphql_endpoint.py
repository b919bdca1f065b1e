"""`/graphql`: authentication in front of Strawberry's ASGI view, and the local GraphiQL page.

HTTP requests need `Authorization: Bearer <key>` (401 otherwise). Websockets authenticate in
`connection_init` (`{"authorization": "Bearer <key>"}`); a bad or missing key closes the socket
with 4403, and a key revoked while connected closes it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from gql_server.auth import Principal, bearer_token
from gql_server.events import KEYS_CHANNEL, EventBus
from gql_server.services.container import Services
from schema.context import Context

log = logging.getLogger(__name__)

_NO_UI = """<!doctype html><title>GraphiQL</title>
<p>The GraphiQL bundle is not built. Run <code>make ui</code>.</p>"""


class GraphQLView(GraphQL[Context, None]):
    def __init__(
        self, schema: BaseSchema, services: Services, bus: EventBus, graphiql: Path
    ) -> None:
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=10,
            keep_alive=True,
            keep_alive_interval=15,
        )
        self._services = services
        self._bus = bus
        self._graphiql = graphiql

    async def get_context(self, request: Any, response: Any) -> Context:
        principal = request.scope.get("state", {}).get("principal")
        return Context(services=self._services, principal=principal)

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        token = bearer_token(raw) if isinstance(raw, str) else None
        principal = await self._services.access.authenticate(token)
        if principal is None:
            raise ConnectionRejectionError({"message": "invalid or missing API key"})
        context.principal = principal

    async def render_graphql_ide(self, request: Request) -> Response:
        if self._graphiql.is_file():
            return FileResponse(self._graphiql, media_type="text/html")
        return HTMLResponse(_NO_UI)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            request = Request(scope, receive)
            if request.method == "GET" and _wants_html(request):
                await (await self.render_graphql_ide(request))(scope, receive, send)
                return
            token = bearer_token(request.headers.get("authorization"))
            principal = await self._services.access.authenticate(token)
            if principal is None:
                await _unauthorized()(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
            await super().__call__(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._run_websocket(scope, receive, send)
        else:  # pragma: no cover - lifespan is handled by the app
            await super().__call__(scope, receive, send)

    async def _run_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the socket; close it when the key it signed in with is revoked."""
        context = Context(services=self._services)
        websocket = WebSocket(scope, receive, send)
        serving = asyncio.ensure_future(self.run(websocket, context=context))
        watcher = asyncio.ensure_future(self._close_on_revoke(context, websocket))
        try:
            await serving
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _close_on_revoke(self, context: Context, websocket: WebSocket) -> None:
        async for event in self._bus.subscribe(KEYS_CHANNEL):
            who: Principal | None = context.principal
            if who is None or who.key_id is None or event.get("keyId") != who.key_id:
                continue
            log.info("closing websocket of revoked key %s", who.key_id)
            with contextlib.suppress(Exception):
                await websocket.close(code=4403, reason="API key revoked")
            return


def _wants_html(request: Request) -> bool:
    return "query" not in request.query_params and "text/html" in request.headers.get("accept", "")


def _unauthorized() -> Response:
    return JSONResponse(
        {"errors": [{"message": "missing or invalid API key (Authorization: Bearer <key>)"}]},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )
