"""The one place a finished `/v1` request is reported.

`/v1` calls `TrafficHook.report(FinishedRequest)` exactly once per request to a routing endpoint:
when the answer is sent, when the Router's final error is sent, when a stream ends (however it
ends), or when the request was refused before routing (401, 400, 404, 429: `routed` False, no
attempts, `group_id` "" when the caller named no group it may use). Consumers
(live traffic, the request log, metrics) register a listener with `add_listener`. Listeners run
inline on the request's task, so they must be cheap and must not await: they buffer and flush on
a task of their own. A listener that raises is logged and never fails the caller's request.
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gql_server.auth import Principal
from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.core.domain.traces import RequestTrace

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tokens:
    prompt: int = 0
    completion: int = 0

    @property
    def total(self) -> int:
        return self.prompt + self.completion


@dataclass(frozen=True)
class FinishedRequest:
    """One `/v1` request, as it ended."""

    group_id: str  # "" when no group of the caller's was reached
    group_name: str  # the group's name, else the name the caller asked for ("" if none)
    key_id: str | None  # None for the master key
    team_id: str | None
    trace: RequestTrace  # attempts (and skips) in order, final deployment, latency, finishedAtMs
    started_at_ms: float  # wall clock, epoch ms, when the request reached the gateway
    status_code: int  # the HTTP status the caller got (a broken stream keeps its 200)
    streamed: bool
    tokens: Tokens = field(default_factory=Tokens)
    cost_usd: float = 0.0
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # = x-request-id
    messages: Any = None  # the caller's messages; the request log stores them only if asked
    routed: bool = True  # False: refused before its group's Router was called
    endpoint: str = ""  # the /v1 endpoint: chat.completions, completions, embeddings, responses
    # the caller's W3C trace context (traceparent, tracestate), read only while tracing is on
    trace_context: Mapping[str, str] | None = None

    @property
    def success(self) -> bool:
        return self.trace.success

    @property
    def final_deployment_id(self) -> str | None:
        return self.trace.final_deployment_id


TrafficListener = Callable[[FinishedRequest], None]


class TrafficHook:
    def __init__(self) -> None:
        self._listeners: list[TrafficListener] = []

    def add_listener(self, listener: TrafficListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: TrafficListener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def report(self, finished: FinishedRequest) -> None:
        for listener in tuple(self._listeners):
            try:
                listener(finished)
            except Exception:
                log.exception("traffic listener %r failed", listener)


def now_ms() -> float:
    return time.time() * 1000


def finished_request(
    group: RoutingGroup | None,
    who: Principal | None,
    trace: RequestTrace,
    *,
    started_at_ms: float,
    status_code: int,
    streamed: bool,
    tokens: Tokens | None = None,
    usage: object = None,
    response: object = None,
    deployments: Mapping[str, Deployment] | None = None,
    messages: Any = None,
    request_id: str | None = None,
    request_index: int | None = None,
    requested_group: str | None = None,
    routed: bool = True,
    endpoint: str = "",
    trace_context: Mapping[str, str] | None = None,
) -> FinishedRequest:
    """Build the report from what `/v1` holds when a request ends. `tokens` (else `usage`:
    litellm's Usage, a response's `.usage` or a stream's usage chunk) are the request's; the cost
    is the one litellm stamped on the response, else the answering deployment's prices times the
    tokens."""
    if tokens is None:
        if usage is None and response is not None:
            usage = getattr(response, "usage", None)
        tokens = tokens_of(usage)
    cost = _stamped_cost(response)
    if cost is None:
        deployment = (deployments or {}).get(trace.final_deployment_id or "")
        cost = _priced(deployment, tokens)
    request_id = request_id or uuid.uuid4().hex
    # A live trace's clock is the wall clock: startedAtMs/finishedAtMs in epoch ms.
    trace = dataclasses.replace(
        trace,
        started_at_ms=started_at_ms,
        finished_at_ms=trace.finished_at_ms or now_ms(),
        request_id=request_id,
        request_index=trace.request_index if request_index is None else request_index,
    )
    return FinishedRequest(
        group_id=group.group_id if group is not None else "",
        group_name=group.name if group is not None else (requested_group or ""),
        key_id=who.key_id if who is not None else None,
        team_id=who.team_id if who is not None else None,
        trace=trace,
        started_at_ms=started_at_ms,
        status_code=status_code,
        streamed=streamed,
        tokens=tokens,
        cost_usd=cost,
        request_id=request_id,
        messages=messages,
        routed=routed,
        endpoint=endpoint,
        trace_context=trace_context,
    )


def tokens_of(usage: object) -> Tokens:
    """Chat and completions usage (prompt/completion tokens) or the Responses API's
    (input/output tokens)."""
    if usage is None:
        return Tokens()
    prompt = _int(usage, "prompt_tokens") or _int(usage, "input_tokens")
    completion = _int(usage, "completion_tokens") or _int(usage, "output_tokens")
    return Tokens(prompt=prompt, completion=completion)


def _int(source: object, name: str) -> int:
    value = source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)
    return value if isinstance(value, int) and value >= 0 else 0


def _stamped_cost(response: object) -> float | None:
    hidden: Any = getattr(response, "_hidden_params", None)
    cost = hidden.get("response_cost") if isinstance(hidden, Mapping) else None
    return float(cost) if isinstance(cost, int | float) and cost >= 0 else None


def _priced(deployment: Deployment | None, tokens: Tokens) -> float:
    if deployment is None:
        return 0.0
    return tokens.prompt * (deployment.input_cost_per_token or 0.0) + tokens.completion * (
        deployment.output_cost_per_token or 0.0
    )
