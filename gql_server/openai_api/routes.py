"""The OpenAI-compatible routes: `model` names a routing group, its live Router answers.

Every route accepts every method and answers a wrong one with a JSON 405 (Starlette would
otherwise hand the request on to the web UI's catch-all), and anything else under `/v1` is a JSON
404. Each request is one `Exchange` (exchange.py): every answer carries its `x-request-id`, and
every request to a routing endpoint is reported once, routed or refused. Every endpoint reaches
the Router through `BuiltRouter.route` / `BuiltRouter.open_stream`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gql_server.auth import Principal, bearer_token
from gql_server.core.domain.errors import NoSuchRoutingGroupError
from gql_server.core.litellm_adapter.built_router import BuiltRouter, Endpoint, TracedStream
from gql_server.openai_api import embeddings, schemas
from gql_server.openai_api.errors import (
    ApiError,
    database_unreachable,
    method_not_allowed,
    not_found,
    unauthenticated,
    upstream_failure,
)
from gql_server.openai_api.exchange import (
    REQUEST_ID_HEADER,
    Exchange,
    answer_headers,
    report,
    request_id_of,
    routing_headers,
    trace_context_of,
)
from gql_server.openai_api.streaming import stream_response
from gql_server.services.common import can_see
from gql_server.services.ports import StoreUnavailable

if TYPE_CHECKING:
    from gql_server.runtime import Runtime

log = logging.getLogger(__name__)

# every route takes every method, so a wrong one gets a JSON 405, not the web UI
_ANY = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_ROUTING = frozenset({"chat.completions", "completions", "embeddings", "responses"})


Handler = Callable[["Runtime", Request, Exchange], Awaitable[Response]]


def openai_routes(runtime: Callable[[], Runtime]) -> list[BaseRoute]:
    def endpoint(name: str, handler: Handler, allowed: tuple[str, ...]) -> Any:
        async def handle(request: Request) -> Response:
            rt = runtime()
            exchange = Exchange(name, request.method, request_id_of(request))
            if rt.telemetry is not None:
                exchange.trace_context = trace_context_of(request)
            try:
                if allowed and request.method not in allowed:
                    raise method_not_allowed(request.method, request.url.path, allowed)
                response = await handler(rt, request, exchange)
            except ApiError as problem:
                exchange.error_message = problem.message
                response = problem.response()
            except schemas.BodyError as bad:
                exchange.error_message = bad.message
                response = ApiError(400, bad.message, param=bad.param).response()
            except Exception:  # never a traceback to the caller
                log.exception("%s %s failed", request.method, request.url.path)
                exchange.error_message = "internal error"
                response = ApiError(
                    500, "internal error; it has been logged", "api_error"
                ).response()
            response.headers[REQUEST_ID_HEADER] = exchange.request_id
            exchange.status = response.status_code
            if name in _ROUTING and not exchange.streamed:
                report(rt, exchange)
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
    body = schemas.parse(schemas.ChatRequest, await _json(request, exchange))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    messages = schemas.messages_of(body)
    exchange.messages = messages
    metadata = dict(body.metadata or {})
    if body.metadata:
        # litellm keeps `metadata` for itself; OpenAI's own `metadata` goes in the body
        extra = params.get("extra_body")
        params["extra_body"] = {**(extra if isinstance(extra, dict) else {}), "metadata": metadata}
    return await _route(
        rt, request, exchange, built, Endpoint.CHAT, stream=body.stream, messages=messages, **params
    )


async def _completions(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.CompletionRequest, await _json(request, exchange))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    return await _route(
        rt,
        request,
        exchange,
        built,
        Endpoint.COMPLETIONS,
        stream=body.stream,
        prompt=body.prompt,
        **params,
    )


async def _embeddings(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.EmbeddingRequest, await _json(request, exchange))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    mock = built.mock or all(d.has_mock_response for d in built.deployments.values())
    if mock:
        # A mock deployment's mock_response is chat text; litellm's mock embedding is one vector.
        params["mock_response"] = [0.0]

    def shape(payload: dict[str, Any]) -> None:
        if mock:
            embeddings.with_mock_vectors(payload, body.input, body.dimensions)
        if body.encoding_format == "base64":
            embeddings.as_base64(payload)

    return await _route(
        rt,
        request,
        exchange,
        built,
        Endpoint.EMBEDDINGS,
        stream=False,
        shape=shape,
        input=body.input,
        **params,
    )


async def _responses(rt: Runtime, request: Request, exchange: Exchange) -> Response:
    who = await _authenticate(rt, request, exchange)
    body = schemas.parse(schemas.ResponsesRequest, await _json(request, exchange))
    built = await _usable_router(rt, who, body.model, exchange)
    params = schemas.passthrough(body)
    return await _route(
        rt,
        request,
        exchange,
        built,
        Endpoint.RESPONSES,
        stream=body.stream,
        input=body.input,
        **params,
    )


async def _route(
    rt: Runtime,
    request: Request,
    exchange: Exchange,
    built: BuiltRouter,
    endpoint: Endpoint,
    *,
    stream: bool | None,
    shape: Callable[[dict[str, Any]], None] | None = None,
    **body: Any,
) -> Response:
    """The one way every endpoint reaches its group's Router, streamed or not. `shape` edits
    a non-streamed answer's JSON before it is sent."""
    if stream:
        traced = await built.open_stream(endpoint, **body)
        return _stream(rt, request, exchange, built, traced)
    outcome = await built.route(endpoint, request_index=exchange.index, **body)
    exchange.trace = outcome.trace
    if outcome.error is not None or outcome.response is None:
        raise upstream_failure(built, outcome.error, outcome.trace)
    return _answer(exchange, outcome.response, shape)


# --- helpers --------------------------------------------------------------------------------


async def _authenticate(rt: Runtime, request: Request, exchange: Exchange) -> Principal:
    token = bearer_token(request.headers.get("authorization"))
    try:
        who = await rt.services.access.authenticate(token)
    except StoreUnavailable:
        log.warning("could not check an API key: the database is unreachable", exc_info=True)
        raise database_unreachable() from None
    if who is None:
        await _note_refusal(rt, request, exchange, token)
        raise unauthenticated()
    exchange.caller = who
    return who


# A refused caller's body is read for the group it names only when it is this small.
_REFUSED_BODY_BYTES = 64 * 1024


async def _note_refusal(
    rt: Runtime, request: Request, exchange: Exchange, token: str | None
) -> None:
    """What the request log can say about a 401: the key presented, when it is one of ours
    (revoked), and the group the body names, when a live group has that name (an unknown name
    stays unnamed: the log and `/metrics` do not take strangers' strings)."""
    if exchange.endpoint not in _ROUTING:
        return
    exchange.refused_key = await rt.services.access.refused_key(token)
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > _REFUSED_BODY_BYTES:
        return
    try:
        body = orjson.loads(await request.body())
    except ValueError:
        return
    name = body.get("model") if isinstance(body, dict) else None
    if isinstance(name, str) and name in rt.registry:  # a live group (no table read)
        exchange.group = name
        exchange.visible_group = rt.registry.get(name).group


async def _json(request: Request, exchange: Exchange) -> Any:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError as bad:  # e.g. "depth limit exceeded" past 1,024 levels
        raise ApiError(400, f"the request body is not valid JSON: {bad.msg}") from None
    model = body.get("model") if isinstance(body, dict) else None
    if isinstance(model, str) and 0 < len(model) <= schemas.MAX_MODEL_CHARS:
        exchange.group = model  # named in the log even when the body is refused
    return body


async def _usable_router(rt: Runtime, who: Principal, name: str, exchange: Exchange) -> BuiltRouter:
    exchange.group = name
    wait = await rt.services.access.admit(who)
    group = await rt.services.groups.find_live_by_name(name)  # no table read when live
    # One answer whether the group is absent, inactive or not this key's to see: a key cannot
    # learn that another team's group exists.
    visible = group is not None and group.is_active and can_see(who, group)
    if visible:
        exchange.visible_group = group
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ApiError(
            429,
            f"this key's rate limit is reached; retry in {seconds} s",
            "rate_limit_error",
            "rate_limit_exceeded",
            headers={"retry-after": str(seconds)},
        )
    try:
        if not visible:
            raise NoSuchRoutingGroupError(name)
        built = rt.registry.get(name)
    except NoSuchRoutingGroupError:
        raise not_found(f"no routing group named {name!r}", "model_not_found") from None
    exchange.built = built
    return built


def _stream(
    rt: Runtime, request: Request, exchange: Exchange, built: BuiltRouter, traced: TracedStream
) -> Response:
    """A stream whose answering attempt is closed (and traced, counted) when the stream ends."""
    if traced.stream is None:
        exchange.trace = traced.finish()
        raise upstream_failure(built, traced.error, exchange.trace)
    exchange.streamed = True
    if traced.trace is not None:  # routed whole (text completions)
        headers = answer_headers(traced.trace)
    else:
        final = traced.final_deployment_id
        label = built.labels.get(final or "")
        headers = routing_headers(
            final, traced.recorder.attempts, label.fallback_depth if label is not None else 0
        )
    headers[REQUEST_ID_HEADER] = exchange.request_id

    def done(broke_off: BaseException | None) -> None:
        exchange.trace = traced.finish(broke_off)
        exchange.usage = traced.usage
        report(rt, exchange)

    return stream_response(request, traced, headers, on_done=done)


def _answer(
    exchange: Exchange, response: Any, shape: Callable[[dict[str, Any]], None] | None = None
) -> Response:
    exchange.response = response
    payload = response.model_dump(mode="json", exclude_none=True)
    if shape is not None:
        shape(payload)
    headers = answer_headers(exchange.trace) if exchange.trace is not None else {}
    # orjson: several times json's speed on a completion body
    return Response(orjson.dumps(payload), media_type="application/json", headers=headers)


def _model_card(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "routing-groups"}
