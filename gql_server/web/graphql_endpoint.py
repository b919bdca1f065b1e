"""`/graphql`: authentication in front of Strawberry's ASGI view, and the local GraphiQL page.

HTTP requests need `Authorization: Bearer <key>` (401 otherwise). Websockets sign in either with
`Authorization: Bearer <key>` on the upgrade request (a bad key refuses the handshake: 403) or
in `connection_init` (`{"authorization": "Bearer <key>"}`; a bad or missing key closes the
socket with 4403); a key in `connection_init` wins over the upgrade's. A key that cannot be
checked (the database is down) is not refused but told to try again, as over HTTP (503): 503 at
the upgrade, close code 1013 after `connection_init`. A key revoked or deleted
while connected closes the socket too. A socket not signed in at the upgrade must send
`connection_init` within `SocketLimits.init_timeout_seconds` (4408 otherwise), and at most
`SocketLimits.max_unauthenticated` such sockets may wait at once, at most
`max_unauthenticated_per_client` from one client address (more are refused at the handshake:
429 with Retry-After); a
socket signed in at the upgrade never waits, so no crowd of anonymous sockets can lock it out.
`http://localhost:PORT` and `http://127.0.0.1:PORT` are the same local origin.

Request errors (parse, validation, variable coercion) follow GraphQL over HTTP: their message
is returned, and a client that accepts `application/graphql-response+json` gets that media type
and 400. Subscriptions are served on the websocket only; persisted queries (APQ) are answered
`PersistedQueryNotSupported` so Apollo clients send the full document. An HTTP request whose
client disconnects is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message as WsMessage
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gql_server.auth import Principal, bearer_token
from gql_server.events import KEYS_CHANNEL, EventBus
from gql_server.http_limits import TrustedProxies, WaitingSockets
from gql_server.services.container import Services
from gql_server.services.ports import StoreUnavailable
from gql_server.web.graphql_http import (
    GRAPHQL_RESPONSE_JSON,
    SUBSCRIPTION_OVER_HTTP,
    UNAVAILABLE,
    http_error,
    is_request_error,
    preflight_error,
    request_error,
    too_many_waiting,
    unauthorized,
    unavailable,
    wants_graphql_response_json,
)
from schema.context import Context
from schema.shared_results import encoded_next

log = logging.getLogger(__name__)

_NO_UI = """<!doctype html><title>GraphiQL</title>
<p>The GraphiQL bundle is not built. Run <code>make ui</code>.</p>"""


NESTED_TOO_DEEPLY = "JSON nested too deeply"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SocketLimits:
    init_timeout_seconds: float = 10.0
    max_unauthenticated: int = 200
    max_unauthenticated_per_client: int = 10
    trusted_proxies: TrustedProxies = field(default_factory=TrustedProxies)


class _PreEncoded(dict[str, object]):
    """A websocket message already encoded (`GraphQLView.encode_json` sends `text` as is)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _SharingHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws, sending a shared subscription result (one `liveTraffic` batch for
    every subscriber of the group) pre-encoded: one `json.dumps` per batch, not per subscriber.
    A key in `connection_init` that cannot be checked (database down) closes the socket 1013."""

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except StoreUnavailable:
            log.warning("closing a websocket: the database is unreachable")
            await self.websocket.close(code=1013, reason=UNAVAILABLE)  # try again later

    async def send_message(self, message: WsMessage) -> None:
        if message["type"] == "next" and message["payload"].keys() == {"data"}:
            text = encoded_next(
                message["id"], message["payload"]["data"], self.view.encode_json_string
            )
            if text is not None:
                await self.websocket.send_json(_PreEncoded(text))
                return
        await super().send_message(message)


class GraphQLView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = _SharingHandler

    def __init__(
        self,
        schema: BaseSchema,
        services: Services,
        bus: EventBus,
        graphiql: Path,
        sockets: SocketLimits | None = None,
    ) -> None:
        self._sockets = sockets or SocketLimits()
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=10,
            keep_alive=True,
            keep_alive_interval=15,
            connection_init_wait_timeout=timedelta(seconds=self._sockets.init_timeout_seconds),
        )
        self._services = services
        self._bus = bus
        self._graphiql = graphiql
        self._waiting = WaitingSockets(
            self._sockets.max_unauthenticated, self._sockets.max_unauthenticated_per_client
        )
        # Sockets counted in `_waiting` until they sign in: id of their Context -> client.
        self._unauthenticated: dict[int, str] = {}

    async def get_context(self, request: Any, response: Any) -> Context:
        state = request.scope.setdefault("state", {})
        state["sub_response"] = response
        return Context(services=self._services, principal=state.get("principal"))

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        if raw is None and context.principal is not None:
            return  # signed in at the upgrade
        token = bearer_token(raw) if isinstance(raw, str) else None
        # StoreUnavailable: the handler closes the socket 1013 (try again), not 4403 (refused)
        principal = await self._services.access.authenticate(token)
        if principal is None:
            raise ConnectionRejectionError({"message": "invalid or missing API key"})
        context.principal = principal
        self._signed_in(context)

    def _signed_in(self, context: Context) -> None:
        client = self._unauthenticated.pop(id(context), None)
        if client is not None:
            self._waiting.release(client)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as bad:  # say what was wrong, not just that it was
            raise HTTPException(400, f"Unable to parse request body as JSON: {bad.msg}") from bad

    def decode_json(self, data: str | bytes) -> object:
        """As Strawberry's, but JSON nested past Python's recursion limit (50,000 `[`) is a JSON
        error like any other (a 400, or 4400 on the websocket), not a RecursionError (500)."""
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError(NESTED_TOO_DEEPLY, "", 0) from None

    def encode_json(self, data: object) -> str | bytes:
        if isinstance(data, _PreEncoded):
            return data.text
        return super().encode_json(data)

    def is_websocket_origin_allowed(self, request: Any, origin: str) -> bool:
        if super().is_websocket_origin_allowed(request, origin):
            return True
        host = self.get_websocket_headers(request).get("host")
        return host is not None and _same_machine(origin, host)

    async def execute_single(  # noqa: PLR0917 - Strawberry's signature
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        problem = preflight_error(request_data)
        if problem is not None:
            log.info("request error: %.300s", problem)
            return request_error(problem, code=problem.code)
        # Subscriptions only on the websocket; mutations never via GET.
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.SUBSCRIPTION:
                return request_error(SUBSCRIPTION_OVER_HTTP)
            if exc.operation_type is OperationType.MUTATION and request_adapter.method == "GET":
                # GraphQL over HTTP: a mutation by GET is the wrong method (405, Allow: POST).
                raise HTTPException(405, exc.as_http_error_reason("GET")) from exc
            raise HTTPException(400, exc.as_http_error_reason(request_adapter.method)) from exc
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request") from exc

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        sub_response = request.scope.get("state", {}).get("sub_response")
        if sub_response is not None and wants_graphql_response_json(request.headers.get("accept")):
            sub_response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if is_request_error(result):
                sub_response.status_code = 400
                response.pop("data", None)
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        media_type = sub_response.headers.get("content-type")
        if media_type is not None:
            del sub_response.headers["content-type"]
        response = super().create_response(response_data, sub_response)
        if media_type is not None:
            response.headers["content-type"] = media_type
        return response

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
            try:
                principal = await self._services.access.authenticate(token)
            except StoreUnavailable:
                log.warning("could not check an API key: the database is unreachable")
                await unavailable()(scope, receive, send)
                return
            if principal is None:
                await unauthorized()(scope, receive, send)
                return
            scope.setdefault("state", {})["principal"] = principal
            await self._serve_http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._run_websocket(scope, receive, send)
        else:  # pragma: no cover - lifespan is handled by the app
            await super().__call__(scope, receive, send)

    async def _serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request; cancel it if its client disconnects first (a request that would
        run a minute of retries must not outlive the client waiting for it)."""
        body: bytes | None = await _read_body(receive)
        client_gone = asyncio.Event()

        async def replay() -> Message:
            nonlocal body
            if body is not None:
                message: Message = {"type": "http.request", "body": body, "more_body": False}
                body = None
                return message
            await client_gone.wait()
            return {"type": "http.disconnect"}

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                message = {**message, "headers": [*message.get("headers", []), (b"allow", b"POST")]}
            await send(message)

        async def respond() -> None:
            request = Request(scope, replay)
            try:
                response = await self.run(request)
            except HTTPException as refused:  # Strawberry's are plain text: GraphQL's shape
                response = http_error(refused, request.headers.get("accept"))
            await response(scope, replay, send_with_allow)

        handling = asyncio.ensure_future(respond())
        watching = asyncio.ensure_future(_wait_disconnect(receive))
        try:
            await asyncio.wait({handling, watching}, return_when=asyncio.FIRST_COMPLETED)
            if not handling.done():
                log.info("client disconnected; cancelling its GraphQL request")
                client_gone.set()
                handling.cancel()
            try:
                await handling
            except asyncio.CancelledError:
                if not handling.cancelled():
                    raise  # this task itself was cancelled (e.g. shutdown), not the request
        finally:
            # Whatever ends this task (a disconnect, shutdown cancelling it) ends both.
            for task in (handling, watching):
                task.cancel()
            await asyncio.gather(handling, watching, return_exceptions=True)

    async def _run_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the socket; close it when the key it signed in with is revoked."""
        websocket = WebSocket(scope, receive, send)
        context = Context(services=self._services)
        if (token := bearer_token(websocket.headers.get("authorization"))) is not None:
            try:
                context.principal = await self._services.access.authenticate(token)
            except StoreUnavailable:
                log.warning("refusing a websocket: the database is unreachable")
                if "websocket.http.response" in scope.get("extensions", {}):
                    await websocket.send_denial_response(unavailable())  # 503, as over HTTP
                else:
                    await send({"type": "websocket.close", "code": 1013})  # (403)
                return
            if context.principal is None:
                log.info("refusing a websocket: invalid API key on the upgrade")
                await send({"type": "websocket.close", "code": 1008})  # before accept: 403
                return
        else:
            client = self._sockets.trusted_proxies.client_address(scope)
            refused = self._waiting.admit(client)
            if refused is not None:
                log.info("refusing a websocket: %s", refused)
                # Before `accept`: the handshake is refused, nothing is held. 429 + Retry-After
                # (the waiting sockets sign in or time out by then) where the server can say so.
                if "websocket.http.response" in scope.get("extensions", {}):
                    wait = self._sockets.init_timeout_seconds
                    await websocket.send_denial_response(too_many_waiting(refused, wait))
                else:
                    await send({"type": "websocket.close", "code": 1013})  # (403)
                return
            self._unauthenticated[id(context)] = client
        serving = asyncio.ensure_future(self.run(websocket, context=context))
        watcher = asyncio.ensure_future(self._close_on_revoke(context, websocket))
        try:
            await serving
        finally:
            self._signed_in(context)  # or left: either way it no longer waits
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _close_on_revoke(self, context: Context, websocket: WebSocket) -> None:
        async for event in self._bus.subscribe(KEYS_CHANNEL):
            who: Principal | None = context.principal
            if who is None or who.key_id is None:
                continue
            if event.get("resync"):  # the feed was lost: a revocation may have been missed
                if await self._still_valid(who):
                    continue
            elif event.get("keyId") != who.key_id:
                continue
            log.info("closing websocket of revoked key %s", who.key_id)
            with contextlib.suppress(Exception):
                await websocket.close(code=4403, reason="API key revoked")
            return

    async def _still_valid(self, who: Principal) -> bool:
        try:
            return await self._services.access.is_still_valid(who)
        except Exception:  # the database is unreachable too: keep the socket, as before
            log.warning("could not re-check key %s after a lost event feed", who.key_id)
            return True


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _same_machine(origin: str, host: str) -> bool:
    """A page on `localhost:PORT` reaching `127.0.0.1:PORT` (or `[::1]`): one machine, one port.
    Strawberry's same-origin check compares host names as written."""
    try:
        page, server = urlsplit(origin), urlsplit(f"//{host.strip()}")
        default = _DEFAULT_PORTS.get(page.scheme.lower())
        return (
            page.hostname in LOOPBACK_NAMES
            and server.hostname in LOOPBACK_NAMES
            and (page.port or default) == (server.port or default)
        )
    except ValueError:
        return False


def _wants_html(request: Request) -> bool:
    return "query" not in request.query_params and "text/html" in request.headers.get("accept", "")
