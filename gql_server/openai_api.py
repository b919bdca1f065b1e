"""OpenAI-compatible `/v1/chat/completions` and `/v1/models`: `model` is a routing group's name.

Each request runs through the group's live Router (strategy, retries, fallbacks). Errors use
OpenAI's shape `{"error": {"message", "type", "param", "code"}}`. Responses carry litellm
proxy's headers naming the deployment that answered and the fallbacks/retries it took.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, cast

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gql_server.auth import Principal, bearer_token
from gql_server.core.errors import NoSuchRoutingGroupError, RoutingFailedError
from gql_server.core.router_builder import BuiltRouter
from gql_server.core.traced_stream import open_traced_stream
from gql_server.core.traces import RequestTrace
from gql_server.services.common import can_see
from gql_server.services.traffic import finished_request, now_ms

if TYPE_CHECKING:
    from gql_server.runtime import Runtime

log = logging.getLogger(__name__)

# Request fields passed through to the Router as they are; anything else is ignored.
_PASSTHROUGH = {
    "temperature",
    "top_p",
    "max_tokens",
    "max_completion_tokens",
    "n",
    "stop",
    "presence_penalty",
    "frequency_penalty",
    "logit_bias",
    "user",
    "seed",
    "response_format",
    "tools",
    "tool_choice",
    "stream_options",
}
_HEADERS = ("x-litellm-model-id", "x-litellm-attempted-fallbacks", "x-litellm-attempted-retries")


def openai_routes(runtime: Callable[[], Runtime]) -> list[Route]:
    async def models(request: Request) -> Response:
        rt = runtime()
        who = await _caller(rt, request)
        if who is None:
            return _error(
                401, "invalid or missing API key", "invalid_request_error", "invalid_api_key"
            )
        groups = await rt.services.groups.list_usable(who)
        now = int(time.time())
        data = [
            {"id": g.name, "object": "model", "created": now, "owned_by": "routing-groups"}
            for g in groups
            if g.is_active
        ]
        return JSONResponse({"object": "list", "data": data})

    async def chat_completions(request: Request) -> Response:
        rt = runtime()
        started_at_ms = now_ms()
        try:
            who = await _caller(rt, request)
            if who is None:
                raise _unauthenticated()
            body = await _read_body(request)
            built = await _usable_router(rt, who, body["model"])
        except _ApiError as problem:
            return problem.response()
        params = {k: v for k, v in body.items() if k in _PASSTHROUGH}

        def finished(trace: RequestTrace, status: int, streamed: bool, **usage: Any) -> None:
            report = finished_request(
                built.group,
                who,
                trace,
                started_at_ms=started_at_ms,
                status_code=status,
                streamed=streamed,
                deployments=built.deployments,
                messages=body["messages"],
                **usage,
            )
            rt.services.traffic.report(report)

        if body.get("stream"):
            return await _stream(built, body["messages"], params, finished)
        outcome = await built.call(body["messages"], **params)
        if outcome.error is not None or outcome.response is None:
            reply = _failure(outcome.error)
        else:
            answer: Any = outcome.response  # litellm's ModelResponse.model_dump is untyped
            payload = answer.model_dump(mode="json", exclude_none=True)
            reply = Response(  # orjson: several times json's speed on a completion body
                orjson.dumps(payload),
                media_type="application/json",
                headers=_routing_headers(answer),
            )
        finished(outcome.trace, reply.status_code, False, response=outcome.response)
        return reply

    return [
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/chat/completions", chat_completions, methods=["POST"]),
        Route("/chat/completions", chat_completions, methods=["POST"]),
    ]


class _ApiError(Exception):
    def __init__(self, status: int, message: str, kind: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code

    def response(self) -> JSONResponse:
        return _error(self.status, self.message, self.kind, self.code)


def _unauthenticated() -> _ApiError:
    return _ApiError(401, "invalid or missing API key", "invalid_request_error", "invalid_api_key")


async def _read_body(request: Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.body())
    except ValueError:
        raise _ApiError(400, "request body is not valid JSON", "invalid_request_error") from None
    problem = _check_body(body)
    if problem:
        raise _ApiError(400, problem, "invalid_request_error")
    return cast(dict[str, Any], body)


async def _usable_router(rt: Runtime, who: Principal, name: str) -> BuiltRouter:
    group = await rt.services.groups.find_live_by_name(name)
    if group is not None and not can_see(who, group):
        raise _ApiError(
            403, f"routing group {name!r} is not assigned to this key", "permission_error"
        )
    try:
        if group is None or not group.is_active:
            raise NoSuchRoutingGroupError(name)
        return rt.registry.get(name)
    except NoSuchRoutingGroupError:
        raise _ApiError(
            404, f"no routing group named {name!r}", "invalid_request_error", "model_not_found"
        ) from None


async def _caller(rt: Runtime, request: Request) -> Principal | None:
    return await rt.services.access.authenticate(bearer_token(request.headers.get("authorization")))


def _check_body(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "request body must be a JSON object"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "'model' is required: the name of a routing group"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "'messages' must be a non-empty list"
    for m in messages:
        if not isinstance(m, dict) or "role" not in m:
            return "each message needs a 'role'"
    return None


async def _stream(
    built: BuiltRouter,
    messages: list[dict[str, Any]],
    params: dict[str, Any],
    finished: Callable[..., None],
) -> Response:
    opened = await open_traced_stream(built, messages, **params)
    stream = opened.stream
    if stream is None:
        reply = _failure(opened.error)
        finished(opened.finish(), reply.status_code, True)
        return reply
    headers = _routing_headers(stream)

    async def events() -> AsyncIterator[str]:
        usage: object = None
        broke_off: BaseException | None = None
        try:
            async for chunk in stream:
                usage = getattr(chunk, "usage", None) or usage
                yield f"data: {chunk.model_dump_json(exclude_none=True)}\n\n"
        except Exception as exc:
            broke_off = exc
            log.warning("stream of %s broke off: %s", built.group.name, type(exc).__name__)
            err = {"error": {"message": "the provider stream broke off", "type": "api_error"}}
            yield f"data: {json.dumps(err)}\n\n"
        finally:
            # Once per stream, however it ends (finished, broke off, or the caller went away).
            finished(opened.finish(broke_off), 200, True, usage=usage)
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


def _routing_headers(response: Any) -> dict[str, str]:
    hidden = getattr(response, "_hidden_params", None) or {}
    extra = hidden.get("additional_headers") or {}
    headers: dict[str, str] = {}
    model_id = hidden.get("model_id")
    if model_id:
        headers["x-litellm-model-id"] = str(model_id)
    for name in _HEADERS[1:]:
        value = extra.get(name)
        if value is not None:
            headers[name] = str(value)
    return headers


def _failure(error: BaseException | None) -> Response:
    last = error.last_error if isinstance(error, RoutingFailedError) else error
    status = getattr(last, "status_code", None)
    message = str(error) if error is not None else "no response"
    if status == 429:
        return _error(429, message, "rate_limit_error", "rate_limit_exceeded")
    if status in (408, 504):
        return _error(504, message, "timeout_error", "timeout")
    if status in (400, 413, 422):
        return _error(400, message, "invalid_request_error")
    if status in (401, 403):
        # The provider refused our credentials: not the caller's key, so a gateway error.
        return _error(502, message, "api_error", "upstream_authentication_error")
    if isinstance(status, int) and 500 <= status < 600:
        return _error(status if status in (502, 503) else 502, message, "api_error")
    return _error(502, message, "api_error")


def _error(status: int, message: str, kind: str, code: str | None = None) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": kind, "param": None, "code": code}},
        status_code=status,
    )
