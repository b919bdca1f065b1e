"""Live `/v1` traces say when the Router passed a deployment over for its rpm limit.

A USAGE_BASED group, "limited" at rpm=2 beside "roomy": litellm's usage-based routing leaves
"limited" out once its count this minute + 1 reaches 2, so from then on every request goes to
"roomy" and its trace (as reported to the traffic hook, which live traffic, the request log and
metrics read) carries a `rpm_limit` skip of "limited". Measured before: no skip, the requests
looked like ordinary picks of "roomy".
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from gql_server.app import create_app
from gql_server.auth import master_principal
from gql_server.core.models import GroupDeployment, RoutingGroupSpec, Strategy
from gql_server.core.traces import SkippedDeployment, SkipReason
from gql_server.runtime import Runtime
from gql_server.services.traffic import FinishedRequest
from gql_server.settings import Settings
from tests.support.server import MASTER_KEY

HELLO = [{"role": "user", "content": "Hello"}]
LIMITED = {
    "model_name": "limited",
    "litellm_params": {"model": "openai/limited", "mock_response": "limited answer", "rpm": 2},
    "model_info": {"id": "limited"},
}
ROOMY = {
    "model_name": "roomy",
    "litellm_params": {"model": "openai/roomy", "mock_response": "roomy answer"},
    "model_info": {"id": "roomy"},
}
SKIP = SkippedDeployment("limited", SkipReason.RPM_LIMIT, before_attempt=0, fallback_depth=0)


@dataclass
class Gateway:
    http: httpx.AsyncClient
    reports: list[FinishedRequest]

    async def post(self, **body: object) -> httpx.Response:
        return await self.http.post(
            "/v1/chat/completions",
            json={"model": "metered", "messages": HELLO, **body},
            headers={"authorization": f"Bearer {MASTER_KEY}"},
        )


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'limits.db'}",
        master_key=SecretStr(MASTER_KEY),
        seed_groups=False,
        ui_dist=tmp_path / "no-ui",
    )
    app = create_app(settings)
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(app.router.lifespan_context(app))
        runtime: Runtime = app.state.runtime
        await runtime.services.deployments.import_model_list([LIMITED, ROOMY])
        spec = RoutingGroupSpec(
            name="metered",
            strategy=Strategy.USAGE_BASED,
            deployments=(GroupDeployment(model_id="limited"), GroupDeployment(model_id="roomy")),
        )
        await runtime.services.groups.create(master_principal(), spec)
        reports: list[FinishedRequest] = []
        runtime.services.traffic.add_listener(reports.append)
        transport = httpx.ASGITransport(app=app)
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://gateway")
        )
        yield Gateway(http, reports)


async def _a_fresh_minute(needed_seconds: float = 15.0) -> None:
    """Live Routers count rpm per wall-clock minute: keep the test inside one."""
    left = 60.0 - time.time() % 60.0
    if left < needed_seconds:
        await asyncio.sleep(left + 0.1)


async def test_requests_past_a_deployments_rpm_limit_report_rpm_skips(gateway: Gateway) -> None:
    await _a_fresh_minute()
    for _ in range(6):
        reply = await gateway.post()
        assert reply.status_code == 200, reply.text
    streamed = await gateway.post(stream=True)
    assert streamed.status_code == 200

    reports = gateway.reports
    assert len(reports) == 7
    served = [r.final_deployment_id for r in reports]
    # never more than its rpm (litellm's pick stops at count + 1 >= rpm, its pre-call check at rpm)
    assert 1 <= served.count("limited") <= 2, served
    last_on_limited = max(n for n, model_id in enumerate(served) if model_id == "limited")
    after = reports[last_on_limited + 1 :]
    assert len(after) >= 3, served
    for report in after:
        assert report.final_deployment_id == "roomy"
        assert [a.deployment_id for a in report.trace.attempts] == ["roomy"]
        assert report.trace.skipped == (SKIP,)
    assert reports[-1].streamed
    assert all(not r.trace.skipped for r in reports[: last_on_limited + 1])
