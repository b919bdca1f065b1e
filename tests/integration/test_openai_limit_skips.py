"""Live `/v1` traces say when the Router passed a deployment over for its rpm limit.

A USAGE_BASED group, "limited" at rpm=1 beside "roomy": once "limited" has served its one
request this minute, litellm passes it over (its pick leaves it out, or its pre-call check
refuses it), and the trace of every later request (as reported to the traffic hook, which live
traffic, the request log and metrics read) carries a `rpm_limit` skip of "limited". Measured
before: no skip; the requests looked like ordinary picks of "roomy", or failures with no
attempt and no reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gql_server.app import create_app
from gql_server.auth import master_principal
from gql_server.core.domain.models import GroupDeployment, RoutingGroupSpec, Strategy
from gql_server.core.domain.traces import SkippedDeployment, SkipReason
from gql_server.runtime import Runtime
from gql_server.services.traffic import FinishedRequest
from tests.support.server import MASTER_KEY
from tests.support.settings import demo_settings

HELLO = [{"role": "user", "content": "Hello"}]
LIMITED = {
    "model_name": "limited",
    "litellm_params": {"model": "openai/limited", "mock_response": "limited answer", "rpm": 1},
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
    runtime: Runtime
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
    app = create_app(demo_settings(tmp_path, config_path=None))
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
        await _settled(runtime)
        reports: list[FinishedRequest] = []
        runtime.services.traffic.add_listener(reports.append)
        transport = httpx.ASGITransport(app=app)
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://gateway")
        )
        yield Gateway(runtime, http, reports)


async def _settled(runtime: Runtime, timeout_s: float = 5.0) -> None:
    """The instance hears its own "group changed" event and builds the group's Router again
    (with fresh rpm counts, no Redis here): wait for that before counting."""
    first = runtime.registry.get("metered")
    for _ in range(round(timeout_s / 0.02)):
        if runtime.registry.get("metered") is not first:
            return
        await asyncio.sleep(0.02)


async def _a_fresh_minute(needed_seconds: float = 15.0) -> None:
    """Live Routers count rpm per wall-clock minute: keep the test inside one."""
    left = 60.0 - time.time() % 60.0
    if left < needed_seconds:
        await asyncio.sleep(left + 0.1)


async def test_requests_past_a_deployments_rpm_limit_report_rpm_skips(gateway: Gateway) -> None:
    await _a_fresh_minute()
    random.seed(5)  # litellm breaks ties between equally used deployments at random
    statuses = [(await gateway.post()).status_code for _ in range(11)]
    statuses.append((await gateway.post(stream=True)).status_code)

    reports = gateway.reports
    assert [r.status_code for r in reports] == statuses
    served = [r.final_deployment_id for r in reports]
    assert served.count("limited") == 1, served  # its rpm: 1 a minute
    first = served.index("limited")
    assert all(not r.trace.skipped for r in reports[: first + 1])
    after = reports[first + 1 :]
    assert len(after) >= 5, served
    for report in after:
        # Passed over at the pick (its count + 1 >= rpm), or picked on a count read before
        # the last request was counted and refused by the pre-call check (no attempt, no
        # retries: the request fails with the 429). Either way, the trace says why.
        assert report.trace.skipped == (SKIP,), served
        if report.success:
            assert [a.deployment_id for a in report.trace.attempts] == ["roomy"]
        else:
            assert report.status_code == 429 and report.trace.attempts == ()
    assert reports[-1].streamed
    assert sum(r.success for r in after) >= 3, statuses
