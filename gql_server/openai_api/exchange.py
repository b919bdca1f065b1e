"""One `/v1` request from arrival to its last byte: its identity, its headers, its report.

Every answer carries `x-request-id`: the caller's own (when it is a plausible id) or one made
here; it is the request log's `requestId` and `RequestTrace.requestId` in `liveTraffic`.
`report` is called exactly once per request to a routing endpoint, however it ended (answered,
refused with a 4xx, failed upstream, or its stream ended): the one place traffic is observed.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from gql_server.auth import Principal
from gql_server.core.domain.models import RoutingGroup
from gql_server.core.domain.traces import AttemptTrace, RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.services.traffic import finished_request, now_ms, tokens_of

if TYPE_CHECKING:
    from gql_server.runtime import Runtime

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
# A caller's id is taken as it is only when it is short and plain; anything else gets our own.
_PLAIN_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
# This instance's requests, numbered as they arrive (RequestTrace.requestIndex in liveTraffic).
_arrivals = itertools.count()


_TRACE_HEADERS = ("traceparent", "tracestate")


def trace_context_of(request: Request) -> dict[str, str] | None:
    """The caller's W3C trace context headers (the request's span continues its trace)."""
    found = {name: request.headers[name] for name in _TRACE_HEADERS if name in request.headers}
    return found or None


def request_id_of(request: Request) -> str:
    given = request.headers.get(REQUEST_ID_HEADER)
    if given is not None and _PLAIN_ID.fullmatch(given):
        return given
    return f"req_{uuid.uuid4().hex}"


@dataclass
class Exchange:
    """One `/v1` request, from arrival to its last byte: what the gateway observes."""

    endpoint: str
    method: str
    request_id: str = ""
    index: int = field(default_factory=lambda: next(_arrivals))
    started: float = field(default_factory=time.perf_counter)
    started_at_ms: float = field(default_factory=now_ms)  # wall clock, epoch ms
    caller: Principal | None = None
    refused_key: Principal | None = None  # a known key refused at sign-in (revoked): logged only
    group: str | None = None  # the group the caller named, once read from the body
    visible_group: RoutingGroup | None = None  # that group, once found and the caller's to see
    built: BuiltRouter | None = None  # the live Router that routed it, once there is one
    status: int = 0
    streamed: bool = False
    trace: RequestTrace | None = None  # set once the Router has been called
    response: Any = None
    usage: object = None
    messages: Any = None  # stored by the request log only with LOG_MESSAGES=true
    error_message: str | None = None
    finished: bool = False
    trace_context: dict[str, str] | None = None  # traceparent/tracestate, only while tracing

    @property
    def latency_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000


def report(rt: Runtime, exchange: Exchange) -> None:
    """Called once per request to a routing endpoint when it is done (streams: after their
    last chunk). Refused requests (4xx before routing) are reported with no attempts."""
    if exchange.finished:
        return
    exchange.finished = True
    usage = exchange.usage
    if usage is None and exchange.response is not None:
        usage = getattr(exchange.response, "usage", None)
    tokens = tokens_of(usage)
    if exchange.caller is not None and tokens.total:
        rt.services.access.charge_tokens(exchange.caller, tokens.total)
    group = exchange.built.group if exchange.built is not None else exchange.visible_group
    trace = exchange.trace or RequestTrace(
        request_index=exchange.index,
        success=False,
        latency_ms=exchange.latency_ms,
        final_deployment_id=None,
        error_message=exchange.error_message,
    )
    rt.services.traffic.report(
        finished_request(
            group,
            exchange.caller if exchange.caller is not None else exchange.refused_key,
            trace,
            started_at_ms=exchange.started_at_ms,
            status_code=exchange.status,
            streamed=exchange.streamed,
            tokens=tokens,
            response=exchange.response,
            deployments=exchange.built.deployments if exchange.built is not None else None,
            messages=exchange.messages,
            request_id=exchange.request_id,
            request_index=exchange.index,
            requested_group=exchange.group,
            routed=exchange.trace is not None,
            endpoint=exchange.endpoint,
            trace_context=exchange.trace_context,
        )
    )
    log.debug(
        "%s %s %s -> %s in %.1f ms",
        exchange.request_id,
        exchange.endpoint,
        exchange.group,
        exchange.status,
        exchange.latency_ms,
    )


def routing_headers(
    model_id: str | None, attempts: Iterable[AttemptTrace], answering_depth: int | None = None
) -> dict[str, str]:
    """litellm proxy's `x-litellm-*` headers, told from what the request did: the deployment
    that answered (or was tried last), fallbacks (priority tiers moved down) and retries
    (attempts beyond the first on each tier)."""
    depths = [a.fallback_depth for a in attempts]
    if answering_depth is not None:
        depths.append(answering_depth)
    headers = {
        "x-litellm-attempted-fallbacks": str(max(depths, default=0)),
        "x-litellm-attempted-retries": str(len(depths) - len(set(depths))),
    }
    if model_id:
        headers["x-litellm-model-id"] = model_id
    return headers


def answer_headers(trace: RequestTrace) -> dict[str, str]:
    return routing_headers(trace.final_deployment_id, trace.attempts)
