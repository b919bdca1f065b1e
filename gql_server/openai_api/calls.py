"""One routed call on a group's Router (any endpoint litellm's Router serves), with its trace.

`BuiltRouter.call` does this for chat completions; embeddings, text completions, responses and
streams use the same recorder and per-attempt hooks, so every `/v1` request has a RequestTrace.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from gql_server.core.domain.errors import RoutingFailedError
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter, answering_deployment
from gql_server.core.litellm_adapter.call_setup import inline_call_setup
from gql_server.core.litellm_adapter.tracing import REQUEST_KEY, RequestRecorder, attempt_hooks


@dataclass(frozen=True)
class Routed:
    response: Any | None
    error: BaseException | None
    trace: RequestTrace


async def route(
    built: BuiltRouter, endpoint: str, metadata: dict[str, Any], **kwargs: Any
) -> Routed:
    """`await built.router.<endpoint>(model=<the group>, ...)`; never raises a routing failure."""
    recorder = RequestRecorder(0, built.labels)
    method = getattr(built.router, endpoint)
    started = time.perf_counter()
    with attempt_hooks().recording(recorder), inline_call_setup(built.inline_setup):
        try:
            answer = await method(
                model=built.entry_model, metadata={**metadata, REQUEST_KEY: recorder.key}, **kwargs
            )
        except Exception as exc:  # every routing failure becomes data
            failure = RoutingFailedError(built.group.name, exc)
            trace = recorder.finish(
                latency_ms=_ms_since(started), final_deployment_id=None, error=failure
            )
            return Routed(None, failure, trace)
    trace = recorder.finish(
        latency_ms=_ms_since(started), final_deployment_id=answering_deployment(answer)
    )
    return Routed(answer, None, trace)


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
