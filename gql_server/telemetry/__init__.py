"""OpenTelemetry traces of `/v1` requests, exported over OTLP/HTTP, only when asked for.

With `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, every finished
`/v1` request to a routing endpoint becomes one span, and each of its Router attempts a child
span (see spans.py). The spans are built from the finished-request record the request log,
`/metrics` and `liveTraffic` read (`services.traffic.FinishedRequest`), never from litellm's
callbacks, and carry no message content, answer text, error text or key.

Unset (the default) nothing here imports the OpenTelemetry SDK and no listener is added: a
request does no telemetry work at all. `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`
keep it off with the endpoint set.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from gql_server.services.traffic import TrafficHook

if TYPE_CHECKING:
    from gql_server.telemetry.spans import RequestTracing

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")


def tracing_wanted(environ: Mapping[str, str]) -> bool:
    """Whether the standard OpenTelemetry variables ask for traces to be exported."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return any(environ.get(name, "").strip() for name in ENDPOINT_VARIABLES)


def start_tracing(
    traffic: TrafficHook, environ: Mapping[str, str] | None = None
) -> RequestTracing | None:
    """Export every finished `/v1` request as spans when the environment asks for it (the SDK
    reads the rest of its `OTEL_*` variables itself); None, having imported nothing, when not."""
    if not tracing_wanted(os.environ if environ is None else environ):
        return None
    from gql_server.telemetry.spans import RequestTracing

    tracing = RequestTracing.over_otlp()
    traffic.add_listener(tracing.on_finished)
    return tracing
