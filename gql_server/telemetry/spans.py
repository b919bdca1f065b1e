"""A finished `/v1` request as OpenTelemetry spans: one for the request, one child per attempt.

Built after the fact from `FinishedRequest` (what the request log and `liveTraffic` get), with
the request's own start and end times, so a span costs no work while the request runs. What a
span says (no message content, answer text, error text, key or team ever):

request span `routing_groups.<endpoint>` (SERVER; a child of the caller's span when the request
carried a W3C `traceparent`): `routing_groups.request_id` (= the answer's
`x-request-id`, the request log's `requestId`), `routing_groups.endpoint`, `routing_groups.group`,
`routing_groups.deployment` (the one that answered, or was tried last), `routing_groups.routed`,
`routing_groups.streamed`, `routing_groups.attempts`, `http.response.status_code`,
`gen_ai.usage.input_tokens` / `gen_ai.usage.output_tokens` (prompt / completion tokens),
`routing_groups.cost_usd`; status ERROR when the request failed; one `deployment_skipped` event
per deployment the Router passed over (`routing_groups.deployment`, `routing_groups.reason`).

attempt span `routing_groups.attempt` (CLIENT): `routing_groups.deployment`,
`routing_groups.deployment_name`, `routing_groups.provider`, `routing_groups.outcome` (SUCCESS /
ERROR), `routing_groups.error_kind`, `routing_groups.latency_ms`, `routing_groups.retry_index`,
`routing_groups.fallback_depth`, `routing_groups.retry_after_s`, `routing_groups.cost_usd`.
"""

from __future__ import annotations

import logging
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gql_server.core.domain.traces import AttemptTrace, TraceStatus
from gql_server.services.traffic import FinishedRequest

log = logging.getLogger(__name__)

SCOPE = "routing_groups"
DEFAULT_SERVICE_NAME = "routing-groups"
_NS_PER_MS = 1_000_000
# A caller's `traceparent` (W3C Trace Context) makes the request's span a child of its own.
_PROPAGATOR = TraceContextTextMapPropagator()


class RequestTracing:
    """Turns every finished `/v1` request into spans on `provider` (a listener of the
    TrafficHook: cheap, never awaits; the SDK's batch processor exports off the request)."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self._tracer = provider.get_tracer(SCOPE)

    @classmethod
    def over_otlp(cls) -> RequestTracing:
        """The SDK's OTLP/HTTP exporter behind a batch processor, configured (endpoint, headers,
        timeout, batch sizes, sampler, resource) by the standard `OTEL_*` variables."""
        resource = Resource.create()
        if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
            resource = resource.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        return cls(provider)

    def on_finished(self, finished: FinishedRequest) -> None:
        started_ms = finished.started_at_ms
        ended_ms = max(finished.trace.finished_at_ms or started_ms, started_ms)
        caller = _PROPAGATOR.extract(finished.trace_context) if finished.trace_context else None
        request = self._tracer.start_span(
            f"{SCOPE}.{finished.endpoint or 'request'}",
            context=caller,
            kind=SpanKind.SERVER,
            start_time=_ns(started_ms),
            attributes=_request_attributes(finished),
        )
        for skip in finished.trace.skipped:
            request.add_event(
                "deployment_skipped",
                {
                    "routing_groups.deployment": skip.deployment_id,
                    "routing_groups.reason": skip.reason,
                },
                timestamp=_ns(started_ms),
            )
        if not finished.success or finished.status_code >= 400:
            request.set_status(Status(StatusCode.ERROR, f"HTTP {finished.status_code}"))
        parent = trace.set_span_in_context(request)
        for attempt in finished.trace.attempts:
            # An attempt's start counts from its request's start (a live trace's origin).
            begin = min(started_ms + attempt.started_at_ms, ended_ms)
            end = min(begin + attempt.latency_ms, ended_ms)
            span = self._tracer.start_span(
                f"{SCOPE}.attempt",
                context=parent,
                kind=SpanKind.CLIENT,
                start_time=_ns(begin),
                attributes=_attempt_attributes(attempt),
            )
            if attempt.status is not TraceStatus.SUCCESS:
                span.set_status(Status(StatusCode.ERROR, str(attempt.error_kind or "error")))
            span.end(end_time=_ns(end))
        request.end(end_time=_ns(ended_ms))

    def shutdown(self) -> None:
        """Export what is still queued, then stop (blocks up to the exporter's timeout)."""
        try:
            self.provider.shutdown()
        except Exception:  # a collector that is down must not fail the server's shutdown
            log.exception("could not flush the last spans")


def _ns(epoch_ms: float) -> int:
    return int(epoch_ms * _NS_PER_MS)


def _request_attributes(finished: FinishedRequest) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "routing_groups.request_id": finished.request_id,
        "routing_groups.endpoint": finished.endpoint,
        "routing_groups.group": finished.group_name,
        "routing_groups.routed": finished.routed,
        "routing_groups.streamed": finished.streamed,
        "routing_groups.attempts": len(finished.trace.attempts),
        "http.response.status_code": finished.status_code,
        "gen_ai.usage.input_tokens": finished.tokens.prompt,
        "gen_ai.usage.output_tokens": finished.tokens.completion,
        "routing_groups.cost_usd": finished.cost_usd,
    }
    if finished.final_deployment_id is not None:
        attributes["routing_groups.deployment"] = finished.final_deployment_id
    return attributes


def _attempt_attributes(attempt: AttemptTrace) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "routing_groups.deployment": attempt.deployment_id,
        "routing_groups.deployment_name": attempt.deployment_name,
        "routing_groups.provider": attempt.provider,
        "routing_groups.outcome": str(attempt.status),
        "routing_groups.latency_ms": attempt.latency_ms,
        "routing_groups.retry_index": attempt.retry_index,
        "routing_groups.fallback_depth": attempt.fallback_depth,
        "routing_groups.cost_usd": attempt.cost_usd,
    }
    if attempt.error_kind is not None:
        attributes["routing_groups.error_kind"] = str(attempt.error_kind)
    if attempt.retry_after_s is not None:
        attributes["routing_groups.retry_after_s"] = attempt.retry_after_s
    return attributes
