"""Every routed `/v1` request is reported to the traffic hook exactly once, as it ended."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from gql_server.app import create_app
from gql_server.auth import master_principal
from gql_server.core.domain.models import GroupDeployment, RoutingGroupSpec, Strategy
from gql_server.core.domain.traces import TraceStatus
from gql_server.runtime import Runtime
from gql_server.services.traffic import FinishedRequest
from gql_server.settings import Settings
from tests.support.server import MASTER_KEY

HELLO = [{"role": "user", "content": "Hello"}]
BUSY = {
    "model_name": "busy",
    "litellm_params": {
        "model": "openai/busy",
        "mock_response": "litellm.RateLimitError",
        "input_cost_per_token": 1e-6,
        "output_cost_per_token": 2e-6,
    },
    "model_info": {"id": "busy"},
}
CALM = {
    "model_name": "calm",
    "litellm_params": {
        "model": "openai/calm",
        "mock_response": "calm answer",
        "input_cost_per_token": 1e-6,
        "output_cost_per_token": 2e-6,
    },
    "model_info": {"id": "calm"},
}


@dataclass
class Gateway:
    runtime: Runtime
    http: httpx.AsyncClient
    reports: list[FinishedRequest]

    async def post(self, model: str, **body: object) -> httpx.Response:
        return await self.http.post(
            "/v1/chat/completions",
            json={"model": model, "messages": HELLO, **body},
            headers={"authorization": f"Bearer {MASTER_KEY}"},
        )

    async def group(self, name: str, *members: str) -> str:
        spec = RoutingGroupSpec(
            name=name,
            strategy=Strategy.PRIORITY_FAILOVER,
            deployments=tuple(
                GroupDeployment(model_id=m, priority=n + 1) for n, m in enumerate(members)
            ),
        )
        group = await self.runtime.services.groups.create(master_principal(), spec)
        return group.group_id


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}",
        master_key=SecretStr(MASTER_KEY),
        seed_groups=False,
        ui_dist=tmp_path / "no-ui",
    )
    app = create_app(settings)
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        runtime: Runtime = app.state.runtime
        await runtime.services.deployments.import_model_list([BUSY, CALM])
        reports: list[FinishedRequest] = []
        runtime.services.traffic.add_listener(reports.append)
        transport = httpx.ASGITransport(app=app)
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://gateway")
        )
        yield Gateway(runtime, http, reports)


async def test_an_answer_after_a_fallback_is_reported_once_with_its_attempts(
    gateway: Gateway,
) -> None:
    group_id = await gateway.group("tiered", "busy", "calm")
    reply = await gateway.post("tiered")
    assert reply.status_code == 200
    [report] = gateway.reports
    assert (report.group_id, report.group_name, report.key_id) == (group_id, "tiered", None)
    assert report.status_code == 200 and report.success and not report.streamed
    assert [(a.deployment_id, a.status) for a in report.trace.attempts] == [
        ("busy", TraceStatus.ERROR),
        ("calm", TraceStatus.SUCCESS),
    ]
    assert report.final_deployment_id == "calm"
    assert report.tokens.total > 0
    assert report.cost_usd == pytest.approx(
        report.tokens.prompt * 1e-6 + report.tokens.completion * 2e-6
    )
    assert report.started_at_ms > 1.7e12, "epoch milliseconds"
    assert report.trace.finished_at_ms is not None
    assert report.trace.finished_at_ms >= report.started_at_ms


async def test_a_final_failure_is_reported_with_the_status_the_caller_got(
    gateway: Gateway,
) -> None:
    await gateway.group("doomed", "busy")
    reply = await gateway.post("doomed")
    assert reply.status_code == 429
    [report] = gateway.reports
    assert report.status_code == 429 and not report.success
    assert report.final_deployment_id is None
    assert [a.deployment_id for a in report.trace.attempts] == ["busy"]


async def test_a_stream_is_reported_when_it_ends_with_the_answering_attempt(
    gateway: Gateway,
) -> None:
    await gateway.group("streamed", "busy", "calm")
    reply = await gateway.post("streamed", stream=True, stream_options={"include_usage": True})
    assert reply.status_code == 200
    lines = [line for line in reply.text.splitlines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    assert json.loads(lines[0].removeprefix("data: "))["object"] == "chat.completion.chunk"
    [report] = gateway.reports
    assert report.streamed and report.success and report.final_deployment_id == "calm"
    assert [(a.deployment_id, a.status) for a in report.trace.attempts] == [
        ("busy", TraceStatus.ERROR),
        ("calm", TraceStatus.SUCCESS),
    ]
    assert report.tokens.completion > 0


async def test_requests_refused_before_routing_are_not_reported(gateway: Gateway) -> None:
    reply = await gateway.post("no-such-group")
    assert reply.status_code == 404
    assert gateway.reports == []
