"""The OpenAI-compatible routes: `model` names a routing group, its live Router answers.

Every route accepts every method and answers a wrong one with a JSON 405 (Starlette would
otherwise hand the request on to the web UI's catch-all), and anything else under `/v1` is a JSON
404. Each request is one `Exchange`; `_finished` is called exactly once per request, when its
answer (or its stream) is done: the one place to observe the gateway's traffic.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gql_server.auth import Principal, bearer_token
from gql_server.core.domain.errors import NoSuchRoutingGroupError
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.traced_stream import TracedStream, open_traced_stream
from gql_server.openai_api import schemas
from gql_server.openai_api.calls import Routed, route
from gql_server.openai_api.errors import (
    ApiError,
    method_not_allowed,
    not_found,
    unauthenticated,
    upstream_failure,
)
from gql_server.openai_api.streaming import StreamEnd, stream_response
from gql_server.services.common import can_see
from gql_server.services.traffic import finished_request, now_ms

if TYPE_CHECKING:
    from gql_server.runtime import Runtime

log = logging.getLogger(__name__)

_HEADERS = ("x-litellm-attempted-fallbacks", "x-litellm-attempted-retries")
MOCK_EMBEDDING_DIMENSIONS = 8
# every route takes every method, so a wrong one gets a JSON 405, not the web UI
_ANY = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@dataclass
class Exchange:
    """One `/v1` request, from arrival to its last byte: what the gateway observes."""

    endpoint: str
    method: str
    started: float = field(default_factory=time.perf_counter)
    started_at_ms: float = field(default_factory=now_ms)  # wall clock, epoch ms
    caller: Principal | None = None
    group: str | None = None
    built: BuiltRouter | None = None  # the live Router that routed it, once there is one
    status: int = 0
    streamed: bool = False
    trace: RequestTrace | None = None
    response: Any = None
    usage: object = None
    messages: Any = None  # stored by the request log only with LOG_MESSAGES=true
    total_tokens: int = 0
    finished: bool = False

    @property
    def latency_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


Handler = Callable[["Runtime", Request, Exchange], Awaitable[Response]]


def openai_routes(runtime: Callable[[], Runtime]) -> list[BaseRoute]:
    def endpoint(name: str, handler: Handler, allowed: tuple[str, ...]) -> Any:
        async def handle(request: Request) -> Response:
            rt = runtime()
            exchange = Exchange(endpoint=name, method=request.method)
            try:
                if allowed and request.method not in allowed:
                    raise method_not_allowed(request.method, request.url.path, allowed)
                response = await handler(rt, request, exchange)
            except ApiError as problem:
                response = problem.response()
            except schemas.BodyError as bad:
                response = ApiError(400, bad.message, param=bad.param).response()
            except Exception:  # never a traceback to the caller
                log.exception("%s %s failed", request.method, request.url.path)
                response = ApiError(
                    500, "internal error; it has been logged", "api_error"
                ).response()
            exchange.status = response.status_code
            if not exchange.streamed:
                _finished(rt, exchange)
            return response

        return handle

    get, post = ("GET", "HEAD"), ("POST",)
    table: list[tuple[str, str, Handler, tuple[str, ...]]] = [
        ("/models", "models", _models, get),
        ("/models/{model_id:path}", "model", _model, get),
        ("/chat/completions", "chat.completions", _chat, post),
        ("/completions", "completions", _completions, post),
        ("/embeddings", "embeddings", _embeddings, post),
        ("/responses", "responses", _responses, post),
    ]
    routes: list[BaseRoute] = []
    for path, name, handler, allowed in table:
        for prefix in ("/v1", ""):
            routes.append(Route(prefix + path, endpoint(name, handler, allowed), methods=_ANY))
    unknown = endpoint("unknown", _unknown, ())
    routes += [Route("/v1", unknown, methods=_ANY), Route("/v1/{rest:path}", unknown, methods=_ANY)]
    return routes


def _finished(rt: Runtime, exchange: Exchange) -> None:
    """Called once per `/v1` request when it is done (streams: after their last chunk)."""
    if exchange.finished:
        return
    exchange.finished = True
    if exchange.caller is not None and exchange.total_tokens:
        rt.services.access.charge_tokens(exchange.caller, exchange.total_tokens)
    if exchange.caller is not None and exchange.built is not None and exchange.trace is not None:
        # Routed requests only: live traffic, the request log and metrics listen here.
        rt.services.traffic.report(
            finished_request(
                exchange.built.group,
                exchange.caller,
                exchange.trace,
                started_at_ms=exchange.started_at_ms,
                status_code=exchange.status,
                streamed=exchange.streamed,
                usage=exchange.usage,
                response=exchange.response,
                deployments=exchange.built.deployments,
                messages=exchange.messages,
            )
        )
    log.debug(
        "%s %s -> %s in %.1f ms",
        exchange.endpoint,
        exchange.group,
        exchange.status,
        exchange.latency_ms,
    )


# --- handlers -------------------------------------------------------------------------------


async def _unknown(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    raise not_found(f"no route {request.method} {request.url.path}", "unknown_url")


async def _models(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    groups = await rt.services.groups.list_usable(who)
    data = [_model_card(g.name) for g in groups if g.is_active]
    return JSONResponse({"object": "list", "data": data})


async def _model(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    name = str(request.path_params["model_id"])
    group = await rt.services.groups.find_by_name(name)
    if group is None or not group.is_active or not can_see(who, group):
        raise not_found(f"no routing group named {name!r}", "model_not_found")
    return JSONResponse(_model_card(group.name))


async def _chat(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.ChatRequest, await _json(request))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    messages = schemas.messages_of(body)
    exchange.messages = messages
    metadata = dict(body.metadata or {})
    if body.metadata:
        # litellm keeps `metadata` for itself; OpenAI's own `metadata` goes in the body
        extra = params.get("extra_body")
        params["extra_body"] = {**(extra if isinstance(extra, dict) else {}), "metadata": metadata}
    if body.stream:
        traced = await open_traced_stream(built, messages, metadata=metadata, **params)
        return _traced_stream(rt, request, exchange, built, traced)
    outcome = await built.call(messages, metadata=metadata, **params)
    exchange.trace = outcome.trace
    if outcome.error is not None or outcome.response is None:
        raise upstream_failure(built, outcome.error, outcome.trace)
    return _answer(exchange, outcome.response)


async def _completions(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.CompletionRequest, await _json(request))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    metadata = dict(body.metadata or {})
    if body.stream:
        routed = await route(
            built, "atext_completion", metadata, prompt=body.prompt, stream=True, **params
        )
        return _streamed(rt, request, exchange, built, routed)
    routed = await route(built, "atext_completion", metadata, prompt=body.prompt, **params)
    return _routed_answer(exchange, built, routed)


async def _embeddings(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.EmbeddingRequest, await _json(request))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    if built.mock or all(d.has_mock_response for d in built.deployments.values()):
        # A mock deployment's mock_response is chat text; an embedding needs a vector.
        params["mock_response"] = [0.0] * (body.dimensions or MOCK_EMBEDDING_DIMENSIONS)
    routed = await route(built, "aembedding", dict(body.metadata or {}), input=body.input, **params)
    return _routed_answer(exchange, built, routed)


async def _responses(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.ResponsesRequest, await _json(request))
    if body.stream:
        raise ApiError(400, "stream is not supported on /v1/responses", param="stream")
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    routed = await route(built, "aresponses", dict(body.metadata or {}), input=body.input, **params)
    return _routed_answer(exchange, built, routed)


# --- helpers --------------------------------------------------------------------------------


async def _authenticate(rt: Runtime, request: Request, exchange: Exchange) -> Principal:
    token = bearer_token(request.headers.get("authorization"))
    who = await rt.services.access.authenticate(token)
    if who is None:
        raise unauthenticated()
    exchange.caller = who
    return who


async def _json(request: Request) -> Any:
    try:
        return orjson.loads(await request.body())
    except ValueError:
        raise ApiError(400, "the request body is not valid JSON") from None


async def _usable_router(rt: Runtime, who: Principal, name: str, exchange: Exchange) -> BuiltRouter:
    exchange.group = name
    wait = await rt.services.access.admit(who)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            f"this key's rate limit is reached; retry in {seconds} s",
            "rate_limit_error",
            "rate_limit_exceeded",
            headers={"retry-after": str(seconds)},
        )
    group = await rt.services.groups.find_live_by_name(name)  # no table read when live
    try:
        # One answer whether the group is absent, inactive or not this key's to see: a key
        # cannot learn that another team's group exists.
        if group is None or not group.is_active or not can_see(who, group):
            raise NoSuchRoutingGroupError(name)
        built = rt.registry.get(name)
    except NoSuchRoutingGroupError:
        raise not_found(f"no routing group named {name!r}", "model_not_found") from None
    exchange.built = built
    return built


def _streamed(
    rt: Runtime, request: Request, exchange: Exchange, built: BuiltRouter, routed: Routed
) -> Response:
    exchange.trace = routed.trace
    if routed.error is not None or routed.response is None:
        raise upstream_failure(built, routed.error, routed.trace)
    exchange.streamed = True
    return stream_response(
        request,
        routed.response,
        _routing_headers(routed.response),
        on_done=lambda end: _stream_done(rt, exchange, end),
    )


def _traced_stream(
    rt: Runtime, request: Request, exchange: Exchange, built: BuiltRouter, traced: TracedStream
) -> Response:
    """A chat stream whose answering attempt is closed (and traced) when the stream ends."""
    if traced.stream is None:
        exchange.trace = traced.finish()
        raise upstream_failure(built, traced.error, exchange.trace)
    exchange.streamed = True

    def done(end: StreamEnd) -> None:
        exchange.trace = traced.finish(end.broke_off)
        _stream_done(rt, exchange, end)

    return stream_response(request, traced.stream, _routing_headers(traced.stream), on_done=done)


def _routed_answer(exchange: Exchange, built: BuiltRouter, routed: Routed) -> Response:
    exchange.trace = routed.trace
    if routed.error is not None or routed.response is None:
        raise upstream_failure(built, routed.error, routed.trace)
    return _answer(exchange, routed.response)


def _answer(exchange: Exchange, response: Any) -> Response:
    usage = getattr(response, "usage", None)
    exchange.response = response
    exchange.total_tokens = int(getattr(usage, "total_tokens", 0) or 0)
    payload = response.model_dump(mode="json", exclude_none=True)
    # orjson: several times json's speed on a completion body
    return Response(
        orjson.dumps(payload), media_type="application/json", headers=_routing_headers(response)
    )


def _stream_done(rt: Runtime, exchange: Exchange, end: StreamEnd) -> None:
    exchange.total_tokens = end.tokens
    exchange.usage = end.usage
    _finished(rt, exchange)


def _routing_headers(response: Any) -> dict[str, str]:
    hidden = getattr(response, "_hidden_params", None) or {}
    extra = hidden.get("additional_headers") or {}
    headers: dict[str, str] = {}
    model_id = hidden.get("model_id")
    if model_id:
        headers["x-litellm-model-id"] = str(model_id)
    for name in _HEADERS:
        value = extra.get(name)
        if value is not None:
            headers[name] = str(value)
    return headers


def _model_card(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "routing-groups"}
