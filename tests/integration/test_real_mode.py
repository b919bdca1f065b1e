"""Real mode: litellm calls a local OpenAI-compatible server over HTTP and the Router fails over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from gql_server.core.domain.models import (
    CooldownConfig,
    Deployment,
    GroupDeployment,
    RetryConfig,
    RoutingGroup,
    Strategy,
)
from gql_server.core.domain.traces import TraceStatus
from gql_server.core.litellm_adapter.built_router import Endpoint
from gql_server.core.litellm_adapter.router_builder import build_router
from tests.fakes.openai_server import FakeOpenAIServer

MESSAGES = [{"role": "user", "content": "Say hello."}]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    monkeypatch.setenv("FAKE_OPENAI_KEY", "sk-fake-123")
    with FakeOpenAIServer() as running:
        yield running


def _deployment(model_id: str, model: str, server: FakeOpenAIServer) -> Deployment:
    return Deployment(
        model_id=model_id,
        model_name=model,
        litellm_model=f"openai/{model}",
        provider="openai",
        api_base=server.base_url,
        api_key="os.environ/FAKE_OPENAI_KEY",
    )


def _group() -> RoutingGroup:
    now = datetime(2026, 11, 27, tzinfo=UTC)
    return RoutingGroup(
        group_id="g-real",
        name="real-failover",
        strategy=Strategy.PRIORITY_FAILOVER,
        deployments=(
            GroupDeployment(model_id="a", priority=1),
            GroupDeployment(model_id="b", priority=2),
        ),
        retry=RetryConfig(num_retries=0),
        cooldown=CooldownConfig(allowed_fails=5, cooldown_time_seconds=30),
        version=1,
        created_at=now,
        created_by="t",
        updated_at=now,
        updated_by="t",
    )


async def test_rate_limited_a_fails_over_to_b_over_real_http(server: FakeOpenAIServer) -> None:
    server.answer("model-a", status=429)
    server.answer("model-b", text="hello from b")
    deployments = {
        "a": _deployment("a", "model-a", server),
        "b": _deployment("b", "model-b", server),
    }
    built = build_router(_group(), deployments, mock=False)
    try:
        outcome = await built.call(MESSAGES)
    finally:
        built.close()

    assert outcome.error is None
    assert outcome.trace.final_deployment_id == "b"
    assert outcome.trace.response_text == "hello from b"
    assert [(a.deployment_id, a.status) for a in outcome.trace.attempts] == [
        ("a", TraceStatus.ERROR),
        ("b", TraceStatus.SUCCESS),
    ]
    assert outcome.trace.attempts[0].error_kind == "RATE_LIMIT"
    # litellm's own client may retry a 429 itself; what matters is that A was really called.
    assert server.calls["model-a"] >= 1
    assert server.calls["model-b"] == 1
    # The env reference was resolved when the Router was built and sent as the bearer token.
    assert {r.authorization for r in server.requests} == {"Bearer sk-fake-123"}


async def test_stream_through_router_names_the_answering_deployment(
    server: FakeOpenAIServer,
) -> None:
    server.answer("model-a", status=429)
    server.answer("model-b", text="streamed words from b")
    deployments = {
        "a": _deployment("a", "model-a", server),
        "b": _deployment("b", "model-b", server),
    }
    built = build_router(_group(), deployments, mock=False)
    try:
        traced = await built.open_stream(Endpoint.CHAT, messages=MESSAGES)
        pieces = [chunk.choices[0].delta.content or "" async for chunk in traced.chunks()]
        trace = traced.finish()
    finally:
        built.close()

    assert "".join(pieces) == "streamed words from b"
    assert traced.final_deployment_id == "b"
    assert [(a.deployment_id, a.fallback_depth) for a in trace.attempts] == [("a", 0), ("b", 1)]
    assert trace.final_deployment_id == "b"


def test_models_endpoint_lists_configured_models(server: FakeOpenAIServer) -> None:
    import httpx

    server.answer("model-a", status=429)
    server.answer("model-b")
    listed = httpx.get(f"{server.base_url}/models").json()
    assert [m["id"] for m in listed["data"]] == ["model-a", "model-b"]
