"""Request limits enforced before the app reads anything: body sizes, and websockets waiting to
sign in (per client address and in all).

A body larger than its route's limit gets 413 without being read when Content-Length says so,
and as soon as a streamed (chunked) body passes the limit otherwise. The answer has the shape
the route's clients parse: GraphQL errors on `/graphql`, an OpenAI error on `/v1`. Websocket
messages on `/graphql` above the GraphQL limit close the socket with 1009 (message too big).

The body is buffered here (at most the limit) and replayed to the app; after it, `receive`
passes through, so the app still sees `http.disconnect` when its client leaves.

A client's address is the socket's peer, or, when that peer is a trusted proxy (`TrustedProxies`),
the right-most address in `X-Forwarded-For` that is not itself a trusted proxy: anything left of
it was written by the client and proves nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WS_MESSAGE_TOO_BIG = 1009

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class BodyLimits:
    graphql_bytes: int
    openai_bytes: int

    def for_path(self, path: str) -> tuple[int, Callable[[int], Response]] | None:
        if path == "/graphql" or path.startswith("/graphql/"):
            return self.graphql_bytes, _graphql_too_large
        if path == "/v1" or path.startswith("/v1/"):
            return self.openai_bytes, _openai_too_large
        return None


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        rule = self.limits.for_path(scope.get("path", "")) if scope["type"] != "lifespan" else None
        if rule is None:
            await self.app(scope, receive, send)
            return
        limit, too_large = rule
        if scope["type"] == "websocket":
            await self.app(scope, _websocket_receive(receive, send, limit), send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large(limit)(scope, receive, send)
            return
        try:
            body = await _read_body(receive, limit)
        except _TooLarge:
            await too_large(limit)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None when the client left before sending it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes | None, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if body is None:
            return {"type": "http.disconnect"}
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _websocket_receive(receive: Receive, send: Send, limit: int) -> Receive:
    async def checked() -> Message:
        message = await receive()
        if message["type"] == "websocket.receive":
            size = len(message.get("text") or "") + len(message.get("bytes") or b"")
            if size > limit:
                await send(
                    {"type": "websocket.close", "code": WS_MESSAGE_TOO_BIG, "reason": "too big"}
                )
                return {"type": "websocket.disconnect", "code": WS_MESSAGE_TOO_BIG}
        return message

    return checked


def _graphql_too_large(limit: int) -> Response:
    return JSONResponse(
        {
            "errors": [
                {
                    "message": f"request body too large: the limit is {limit} bytes",
                    "extensions": {"code": "PAYLOAD_TOO_LARGE"},
                }
            ]
        },
        status_code=413,
        headers={"Connection": "close"},
    )


def _openai_too_large(limit: int) -> Response:
    return JSONResponse(
        {
            "error": {
                "message": f"request body too large: the limit is {limit} bytes",
                "type": "invalid_request_error",
                "param": None,
                "code": "request_too_large",
            }
        },
        status_code=413,
        headers={"Connection": "close"},
    )


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[_Network, ...] = ()

    @classmethod
    def parse(cls, spec: str | None) -> TrustedProxies:
        """`"10.0.0.1, 192.168.0.0/16"` -> the proxies; ValueError names a bad entry."""
        networks: list[_Network] = []
        for entry in (spec or "").split(","):
            if entry.strip():
                try:
                    networks.append(ipaddress.ip_network(entry.strip(), strict=False))
                except ValueError as exc:
                    raise ValueError(f"not an IP address or network: {entry.strip()!r}") from exc
        return cls(tuple(networks))

    def trusts(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def client_address(self, scope: Scope) -> str:
        client = scope.get("client")
        peer = str(client[0]) if client else "unknown"
        if not self.networks or not self.trusts(peer):
            return peer
        hops: list[str] = [
            str(hop).strip()
            for name, value in scope.get("headers", ())
            if name == b"x-forwarded-for"
            for hop in value.decode("latin-1").split(",")
        ]
        for hop in reversed(hops):
            if hop and not self.trusts(hop):
                return hop
        return peer


@dataclass
class WaitingSockets:
    """Websockets accepted but not signed in yet, per client address and in all."""

    max_total: int
    max_per_client: int
    _by_client: dict[str, int] = field(default_factory=dict)
    _total: int = 0

    def admit(self, client: str) -> str | None:
        """Counts the socket in, or says why it is refused."""
        if self._total >= self.max_total:
            return f"{self._total} websockets are waiting to sign in"
        if self._by_client.get(client, 0) >= self.max_per_client:
            return f"{self.max_per_client} websockets from {client} are waiting to sign in"
        self._by_client[client] = self._by_client.get(client, 0) + 1
        self._total += 1
        return None

    def release(self, client: str) -> None:
        left = self._by_client.get(client, 0) - 1
        if left < 0:
            return
        if left:
            self._by_client[client] = left
        else:
            del self._by_client[client]
        self._total -= 1

    def __len__(self) -> int:
        return self._total
