"""Every `/v1` request to a routing endpoint is reported to the traffic hook exactly once, as it
ended: routed, or refused before routing."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gql_server.app import create_app
from gql_server.auth import master_principal
from gql_server.core.domain.models import GroupDeployment, RoutingGroupSpec, Strategy
from gql_server.core.domain.traces import TraceStatus
from gql_server.runtime import Runtime
from gql_server.services.traffic import FinishedRequest
from tests.support.server import MASTER_KEY
from tests.support.settings import demo_settings

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
    app = create_app(demo_settings(tmp_path, config_path=None))
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


async def test_requests_refused_before_routing_are_reported_once_without_attempts(
    gateway: Gateway,
) -> None:
    await gateway.group("known", "calm")
    unknown = await gateway.post("no-such-group")
    bad = await gateway.post("known", temperature="hot")
    nobody = await gateway.http.post(
        "/v1/chat/completions", json={"model": "known", "messages": HELLO}
    )
    assert [unknown.status_code, bad.status_code, nobody.status_code] == [404, 400, 401]
    reports = gateway.reports
    assert [(r.status_code, r.routed, r.success) for r in reports] == [
        (404, False, False),
        (400, False, False),
        (401, False, False),
    ]
    assert [(r.group_id == "", r.group_name) for r in reports] == [
        (True, "no-such-group"),  # no such group: no id, the name asked for
        (True, "known"),  # the body was refused before the group was looked up
        (False, "known"),  # no key, but the body names a live group
    ]
    assert all(r.trace.attempts == () for r in reports)
    replies = [unknown, bad, nobody]
    assert [r.request_id for r in reports] == [a.headers["x-request-id"] for a in replies]


async def test_the_request_id_is_the_callers_own_or_a_new_one_on_every_answer(
    gateway: Gateway,
) -> None:
    await gateway.group("ids", "calm")
    own = await gateway.http.post(
        "/v1/chat/completions",
        json={"model": "ids", "messages": HELLO},
        headers={"authorization": f"Bearer {MASTER_KEY}", "x-request-id": "trace-42"},
    )
    odd = await gateway.http.post(
        "/v1/chat/completions",
        json={"model": "ids", "messages": HELLO},
        headers={"authorization": f"Bearer {MASTER_KEY}", "x-request-id": "no spaces <b>"},
    )
    made = [await gateway.post("ids") for _ in range(2)]
    assert own.headers["x-request-id"] == "trace-42"
    assert odd.headers["x-request-id"] != "no spaces <b>"
    ids = [r.headers["x-request-id"] for r in (own, odd, *made)]
    assert len(set(ids)) == 4
    assert [r.request_id for r in gateway.reports] == ids
    assert [r.trace.request_id for r in gateway.reports] == ids
    indexes = [r.trace.request_index for r in gateway.reports]
    assert indexes == sorted(indexes) and len(set(indexes)) == 4, "numbered as they arrive"
