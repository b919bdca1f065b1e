"""OpenTelemetry: with OTEL_EXPORTER_OTLP_ENDPOINT set, every `/v1` request is a span with its
Router attempts as child spans, exported with the official SDK over OTLP/HTTP; unset, nothing.

The real server and the official `openai` client; the group's first deployment answers 429 from
a local provider, the second answers: one failed attempt, then a fallback that succeeds. The
OTLP receiver is a tiny HTTP server this test starts on 127.0.0.1; it decodes what arrives as
the collector would (opentelemetry-proto's ExportTraceServiceRequest).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import openai
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from tests.fakes.openai_server import FakeOpenAIServer
from tests.integration.access_helpers import add_provider_deployment, create_group, generate_key
from tests.integration.test_openai_call_path import PROVIDER_KEY
from tests.support.graphql_client import GraphQLClient
from tests.support.polling import eventually
from tests.support.server import RunningServer, running_server
from tests.support.settings import demo_settings

SECRET_QUESTION = "What is the launch code 7f3a9c?"  # must never reach a span


class OtlpReceiver:
    """POST /v1/traces on 127.0.0.1: keeps every ExportTraceServiceRequest, answers 200."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                receiver.paths.append(self.path)
                receiver.bodies.append(self.rfile.read(length))
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def spans(self) -> list[Any]:
        found = []
        for body in list(self.bodies):
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            for resource_spans in request.resource_spans:
                for scope_spans in resource_spans.scope_spans:
                    found.extend(scope_spans.spans)
        return found

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    made = OtlpReceiver()
    yield made
    made.close()


@pytest.fixture
def otlp_environment(receiver: OtlpReceiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "50")  # ms: export soon after each request


@pytest.fixture
def traced_server(otlp_environment: None, server: RunningServer) -> RunningServer:
    """The integration `server`, started once the OTLP variables are set (fixture order)."""
    return server


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        fake.answer("limited-model", status=429)
        fake.answer("spare-model", text="hello from the spare")
        yield fake


def _failover_key(server: RunningServer, provider: FakeOpenAIServer) -> str:
    admin = GraphQLClient(server.base_url, server.master_key)
    try:
        key_id, key = generate_key(admin, "otel-key")
        for model_id in ("limited", "spare"):
            add_provider_deployment(
                admin, model_id, f"{model_id}-model", provider.base_url, PROVIDER_KEY, priced=True
            )
        create_group(
            admin,
            "traced",
            deployments=[
                {"modelId": "limited", "priority": 1},
                {"modelId": "spare", "priority": 2},
            ],
            assignedKeyIds=[key_id],
            retryConfig={"numRetries": 0},
        )
    finally:
        admin.close()
    return key


def _chat(server: RunningServer, key: str, **headers: str) -> str:
    client = openai.OpenAI(base_url=f"{server.base_url}/v1", api_key=key, max_retries=0)
    reply = client.chat.completions.with_raw_response.create(
        model="traced",
        messages=[{"role": "user", "content": SECRET_QUESTION}],
        extra_headers=headers or None,
    )
    assert reply.parse().choices[0].message.content == "hello from the spare"
    return reply.headers["x-request-id"]


def _all_values(span: ReadableSpan) -> list[str]:
    values = [str(v) for v in (span.attributes or {}).values()]
    for event in span.events:
        values += [str(v) for v in (event.attributes or {}).values()]
    return [*values, span.name, str(span.status.description)]


def test_a_request_is_a_span_with_one_child_per_attempt_and_no_content(
    traced_server: RunningServer, provider: FakeOpenAIServer
) -> None:
    assert traced_server.app is not None
    tracing = traced_server.app.state.runtime.telemetry
    assert tracing is not None, "OTEL_EXPORTER_OTLP_ENDPOINT is set: tracing is on"
    memory = InMemorySpanExporter()
    tracing.provider.add_span_processor(SimpleSpanProcessor(memory))
    key = _failover_key(traced_server, provider)

    request_id = _chat(traced_server, key)

    def finished() -> list[ReadableSpan]:
        spans = list(memory.get_finished_spans())
        # children end first: done once the request's own span is there
        return spans if any(s.kind is SpanKind.SERVER for s in spans) else []

    spans = eventually(finished, timeout=10)
    requests = [s for s in spans if s.kind is SpanKind.SERVER]
    assert len(requests) == 1
    request = requests[0]
    assert request.name == "routing_groups.chat.completions"
    attributes = dict(request.attributes or {})
    assert attributes["routing_groups.request_id"] == request_id
    assert attributes["routing_groups.group"] == "traced"
    assert attributes["routing_groups.deployment"] == "spare"
    assert attributes["http.response.status_code"] == 200
    assert attributes["gen_ai.usage.input_tokens"] == 5
    assert attributes["gen_ai.usage.output_tokens"] == 5
    # the spare's prices: 5 x 1e-6 + 5 x 2e-6
    assert attributes["routing_groups.cost_usd"] == pytest.approx(1.5e-5)
    assert attributes["routing_groups.attempts"] == 2
    assert request.status.status_code is not StatusCode.ERROR

    attempts = sorted(
        (s for s in spans if s.kind is SpanKind.CLIENT), key=lambda s: s.start_time or 0
    )
    assert [s.name for s in attempts] == ["routing_groups.attempt"] * 2
    assert request.context is not None
    for attempt in attempts:
        assert attempt.parent is not None
        assert attempt.parent.span_id == request.context.span_id
        assert attempt.context is not None
        assert attempt.context.trace_id == request.context.trace_id
        assert request.start_time is not None and request.end_time is not None
        assert attempt.start_time is not None and attempt.end_time is not None
        assert request.start_time <= attempt.start_time <= attempt.end_time <= request.end_time
        latency_ms = (attempt.attributes or {})["routing_groups.latency_ms"]
        assert isinstance(latency_ms, int | float) and latency_ms >= 0
    failed, answered = (dict(a.attributes or {}) for a in attempts)
    assert failed["routing_groups.deployment"] == "limited"
    assert failed["routing_groups.outcome"] == "ERROR"
    assert failed["routing_groups.error_kind"] == "RATE_LIMIT"
    assert attempts[0].status.status_code is StatusCode.ERROR
    assert answered["routing_groups.deployment"] == "spare"
    assert answered["routing_groups.outcome"] == "SUCCESS"
    assert answered["routing_groups.fallback_depth"] == 1

    for span in spans:
        for value in _all_values(span):
            assert "launch code" not in value, f"message content in {span.name}"
            assert "hello from the spare" not in value, f"answer text in {span.name}"
            assert key not in value and PROVIDER_KEY not in value, f"a key in {span.name}"


def test_spans_reach_an_otlp_http_receiver_with_the_request_id(
    traced_server: RunningServer, provider: FakeOpenAIServer, receiver: OtlpReceiver
) -> None:
    key = _failover_key(traced_server, provider)
    caller_trace, caller_span = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"

    request_id = _chat(traced_server, key, traceparent=f"00-{caller_trace}-{caller_span}-01")

    def exported() -> list[Any]:
        return [
            span
            for span in receiver.spans()
            if any(
                a.key == "routing_groups.request_id" and a.value.string_value == request_id
                for a in span.attributes
            )
        ]

    (span,) = eventually(exported, timeout=20)
    # the caller's W3C traceparent: the request's span continues the caller's trace
    assert (span.trace_id.hex(), span.parent_span_id.hex()) == (caller_trace, caller_span)
    assert set(receiver.paths) == {"/v1/traces"}
    children = [s for s in receiver.spans() if s.parent_span_id == span.span_id]
    assert len(children) == 2
    for body in receiver.bodies:
        assert b"launch code" not in body and key.encode() not in body


def test_unset_installs_no_tracer_provider_and_imports_no_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_SDK_DISABLED",
        "OTEL_TRACES_EXPORTER",
    ):
        monkeypatch.delenv(name, raising=False)
    with running_server(demo_settings(tmp_path, config_path=None)) as running:
        assert running.app is not None
        runtime = running.app.state.runtime
        assert runtime.telemetry is None
        listeners = runtime.services.traffic._listeners
        assert not any("telemetry" in getattr(f, "__module__", "") for f in listeners)

    # A fresh process: starting tracing with the variables unset imports no SDK, installs no
    # provider; with them set (but the SDK switched off) it does not either.
    probe = (
        "import sys\n"
        "from gql_server.services.traffic import TrafficHook\n"
        "from gql_server.telemetry import start_tracing\n"
        "hook = TrafficHook()\n"
        "assert start_tracing(hook, {}) is None\n"
        "assert start_tracing(hook, {'OTEL_EXPORTER_OTLP_ENDPOINT': 'http://127.0.0.1:9',"
        " 'OTEL_SDK_DISABLED': 'true'}) is None\n"
        "assert not hook._listeners\n"
        "from opentelemetry import trace\n"
        "assert type(trace.get_tracer_provider()).__name__ == 'ProxyTracerProvider'\n"
        "loaded = [m for m in sys.modules if m.startswith(('opentelemetry.sdk.trace',"
        " 'opentelemetry.exporter', 'gql_server.telemetry.spans'))]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
