"""Replay recorded `/v1` traffic: real requests through a scripted local provider (a failure
window, a 429 with Retry-After, a latency change), then the saved group and a draft replayed
over that window of the request log. Also: scoping, bad windows, the recorded timeline, and the
gateway's own overhead per attempt (the attempt's time minus its provider's) as a simulation's
default."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gql_server.app import create_app
from gql_server.auth import Principal, master_principal
from gql_server.core.domain.errors import ValidationError
from gql_server.core.domain.models import (
    CooldownConfig,
    GroupDeployment,
    RetryConfig,
    RoutingGroupSpec,
    Strategy,
)
from gql_server.core.domain.replay import ReplayWindow
from gql_server.core.domain.scenario import LatencyOrigin, OverheadSource
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary, percentile
from gql_server.runtime import Runtime
from gql_server.services.ports import RequestLogEntry, RequestLogQuery
from gql_server.services.simulation import replay as replay_service
from tests.fakes.openai_server import FakeOpenAIServer
from tests.support.server import MASTER_KEY
from tests.support.settings import demo_settings

MODELS = ("primary", "backup", "spare", "fresh")
MEMBERS = MODELS[:3]  # the saved group's deployments
ATTEMPTS_QUERY = "{ requestLog(size: 5) { items { attempts { latencyMs providerLatencyMs } } } }"
HELLO = [{"role": "user", "content": "Hello"}]


@dataclass
class Recorded:
    runtime: Runtime
    server: FakeOpenAIServer
    group_id: str
    window: ReplayWindow
    http: httpx.AsyncClient


def _deployment(name: str, base_url: str) -> dict[str, object]:
    return {
        "model_name": name,
        "litellm_params": {
            "model": f"openai/{name}",
            "api_base": base_url,
            "api_key": "sk-fake-provider-key",
        },
        "model_info": {"id": name},
    }


async def _send(http: httpx.AsyncClient, count: int, gap_s: float = 0.05) -> None:
    for _ in range(count):
        await http.post(
            "/v1/chat/completions",
            json={"model": "recorded", "messages": HELLO},
            headers={"authorization": f"Bearer {MASTER_KEY}"},
        )
        await asyncio.sleep(gap_s)


async def _all_logged(runtime: Runtime, group_id: str, count: int) -> None:
    """The last report may land just after its answer: flush until every request is in."""
    for _ in range(100):
        await runtime.services.request_log.flush()
        page = await runtime.services.request_log.page(
            master_principal(), RequestLogQuery(group_id=group_id), 1, 1
        )
        if page.total >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"only {page.total} of {count} requests were logged")


@pytest.fixture
async def recorded(tmp_path: Path) -> AsyncIterator[Recorded]:
    app = create_app(demo_settings(tmp_path, config_path=None, simulation_workers=1))
    with FakeOpenAIServer() as server:
        async with contextlib.AsyncExitStack() as stack:
            await stack.enter_async_context(app.router.lifespan_context(app))
            runtime: Runtime = app.state.runtime
            await runtime.services.deployments.import_model_list(
                [_deployment(m, server.base_url) for m in MODELS]
            )
            spec = RoutingGroupSpec(
                name="recorded",
                strategy=Strategy.PRIORITY_FAILOVER,
                deployments=tuple(
                    GroupDeployment(model_id=m, priority=i + 1) for i, m in enumerate(MODELS[:3])
                ),
                retry=RetryConfig(num_retries=0),
                cooldown=CooldownConfig(allowed_fails=1, cooldown_time_seconds=1.0),
            )
            group = await runtime.services.groups.create(master_principal(), spec)
            await asyncio.sleep(0.3)  # the instance rebuilds the Router on its own event
            http = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")
            )
            start = datetime.now(UTC) - timedelta(seconds=1)
            await _send(http, 8)  # all well
            server.answer("primary", status=500)  # a failure window
            await _send(http, 8)
            await asyncio.sleep(1.2)
            server.answer("primary", status=429, retry_after_s=2)  # rate limited, Retry-After
            await _send(http, 6)
            await asyncio.sleep(2.2)
            server.answer("primary")
            server.answer("backup", delay_s=0.05)  # a latency change on the backup
            await _send(http, 6)
            await _all_logged(runtime, group.group_id, 28)
            end = datetime.now(UTC) + timedelta(seconds=1)
            yield Recorded(runtime, server, group.group_id, ReplayWindow(start, end), http)


async def _replay(
    r: Recorded, draft: dict[str, object] | None = None, who: Principal | None = None
) -> SimulationSummary:
    return await _simulate(r, SimulationRequest(0, 0, seed=5, replay_window=r.window), draft, who)


async def _simulate(
    r: Recorded,
    request: SimulationRequest,
    draft: dict[str, object] | None = None,
    who: Principal | None = None,
) -> SimulationSummary:
    session = await r.runtime.services.simulations.start(
        who or master_principal(), r.group_id, request, draft=draft
    )
    async with session as events:
        summaries = [e async for e in events if isinstance(e, SimulationSummary)]
    return summaries[-1]


async def _logged_attempts(r: Recorded) -> list[dict[str, Any]]:
    page = await r.runtime.services.request_log.page(
        master_principal(), RequestLogQuery(group_id=r.group_id), 1, 100
    )
    return [a for e in page.items for a in e.attempts]


def _overheads(attempts: list[dict[str, object]]) -> list[float]:
    """What a user reads off the log: each attempt's time minus its provider's."""
    return [float(a["latencyMs"]) - float(a["providerLatencyMs"]) for a in attempts]  # type: ignore[arg-type]


async def test_the_log_keeps_what_replay_needs_per_attempt(recorded: Recorded) -> None:
    page = await recorded.runtime.services.request_log.page(
        master_principal(), RequestLogQuery(group_id=recorded.group_id), 1, 100
    )
    attempts = [a for e in page.items for a in e.attempts]
    limited = [a for a in attempts if a["errorKind"] == "RATE_LIMIT"]
    assert page.total == 28
    assert limited, "the 429s were recorded"
    assert {a["retryAfterSeconds"] for a in limited} == {2.0}
    assert {a["errorKind"] for a in attempts if a["deploymentId"] == "primary"} >= {
        "SERVER_ERROR",
        "RATE_LIMIT",
        None,
    }
    assert all(e.messages is None for e in page.items), "never message content"


async def test_each_attempt_keeps_its_providers_latency_apart_from_the_gateways(
    recorded: Recorded,
) -> None:
    attempts = await _logged_attempts(recorded)

    # every attempt made an HTTP call to the provider (answered, 500 or 429): each has the
    # provider's part of its latency, and the gateway's own time on top of it
    assert len(attempts) >= 28
    assert all(0 < a["providerLatencyMs"] < a["latencyMs"] for a in attempts)
    # the per-attempt rows replay reads keep it too
    uow = recorded.runtime.database.uow_factory()
    async with uow() as session:
        rows = await session.request_log.attempts(RequestLogQuery(), MEMBERS)
    assert sorted(r.provider_latency_ms or 0.0 for r in rows) == sorted(
        float(a["providerLatencyMs"]) for a in attempts
    )
    # and the request log query shows it
    answer = await recorded.http.post(
        "/graphql",
        json={"query": ATTEMPTS_QUERY},
        headers={"authorization": f"Bearer {MASTER_KEY}"},
    )
    shown = [a for i in answer.json()["data"]["requestLog"]["items"] for a in i["attempts"]]
    assert shown and all(0 < a["providerLatencyMs"] < a["latencyMs"] for a in shown)


async def test_a_simulation_given_no_overhead_adds_the_one_measured_in_recorded_traffic(
    recorded: Recorded,
) -> None:
    attempts = await _logged_attempts(recorded)
    overheads = _overheads(attempts)

    summary = await _simulate(recorded, SimulationRequest(40, 4, seed=2))

    assert summary.gateway_overhead_ms > 0
    assert summary.gateway_overhead_ms == statistics.median_low(overheads)
    assert summary.gateway_overhead_source == OverheadSource(LatencyOrigin.RECORDED, len(overheads))
    # the recorded latency default is the provider's part: the overhead is not counted twice
    answered = sorted(
        float(a["providerLatencyMs"])
        for a in attempts
        if a["deploymentId"] == "primary" and a["status"] == "SUCCESS"
    )
    primary = next(s for s in summary.latency_sources if s.deployment_id == "primary")
    assert (primary.origin, primary.mean_ms) == (LatencyOrigin.RECORDED, percentile(answered, 50))
    # a draft's run takes the saved group's overhead, so a comparison differs only by the draft
    draft: dict[str, object] = {"deployments": (GroupDeployment(model_id="fresh", priority=1),)}
    drafted = await _simulate(recorded, SimulationRequest(40, 4, seed=2), draft)
    assert drafted.gateway_overhead_ms == summary.gateway_overhead_ms
    # one given is the one used
    given = await _simulate(recorded, SimulationRequest(40, 4, seed=2, gateway_overhead_ms=7.0))
    assert given.gateway_overhead_ms == 7.0
    assert given.gateway_overhead_source == OverheadSource(LatencyOrigin.INPUT)


async def test_a_replay_given_no_overhead_adds_the_one_measured_in_its_window(
    recorded: Recorded,
) -> None:
    overheads = _overheads(await _logged_attempts(recorded))

    summary = await _replay(recorded)

    assert summary.gateway_overhead_ms > 0
    assert summary.gateway_overhead_ms == statistics.median_low(overheads)
    assert summary.gateway_overhead_source == OverheadSource(LatencyOrigin.RECORDED, len(overheads))


async def test_replaying_the_saved_group_reproduces_the_window(recorded: Recorded) -> None:
    calls_before = sum(recorded.server.calls.values())

    summary = await _replay(recorded)

    report = summary.replay
    assert report is not None
    assert report.recorded_requests == report.replayed_requests == 28
    assert report.same_final_deployment >= 0.95
    assert report.assumed_deployments == ["spare"]  # never tried in the window
    recorded_primary = next(s for s in report.recorded if s.deployment_id == "primary")
    assert recorded_primary.failure_count >= 2
    assert report.recorded_p50_latency_ms is not None
    assert sum(recorded.server.calls.values()) == calls_before, "replay never calls a provider"


async def test_replaying_a_draft_says_which_outcomes_are_assumed(recorded: Recorded) -> None:
    draft: dict[str, object] = {
        "deployments": (
            GroupDeployment(model_id="fresh", priority=1),
            GroupDeployment(model_id="backup", priority=2),
        )
    }

    report = (await _replay(recorded, draft=draft)).replay

    assert report is not None
    assert report.assumed_deployments == ["fresh"]
    assert report.replayed_requests == 28
    # "fresh" answers everything (the stated assumption): far fewer end as recorded
    assert report.same_final_deployment < 0.5


def _entry(request_id: str, at: datetime, key_id: str, team_id: str | None) -> RequestLogEntry:
    return RequestLogEntry(
        request_id=request_id,
        started_at=at,
        routing_group_id="g",
        routing_group_name="g",
        key_id=key_id,
        team_id=team_id,
        deployment_id="d",
        success=True,
        status_code=200,
        attempts=[{"deploymentId": "d", "status": "SUCCESS", "latencyMs": 10.0}],
        latency_ms=10.0,
        prompt_tokens=1,
        completion_tokens=1,
        cost_usd=0.0,
        streamed=False,
        error_message=None,
        messages=None,
    )


async def test_a_key_replays_only_its_own_rows_a_team_key_its_teams(recorded: Recorded) -> None:
    now = datetime.now(UTC)
    uow = recorded.runtime.database.uow_factory()
    async with uow() as session:
        await session.request_log.add_many(
            [
                _entry("a1", now - timedelta(minutes=5), "ka", "team"),
                _entry("a2", now - timedelta(minutes=4), "ka", "team"),
                _entry("b1", now - timedelta(minutes=3), "kb", "team"),
                _entry("c1", now - timedelta(minutes=2), "kc", None),
            ]
        )
        await session.commit()
    window = ReplayWindow(now - timedelta(minutes=10), now)

    async def requests(who: Principal, w: ReplayWindow = window) -> int:
        source = await replay_service.load_replay(
            uow, who, "g", w, ["d"], now=now, retention=timedelta(days=7)
        )
        return len(source.requests)

    team_key = Principal("key:ka", is_admin=False, key_id="ka", team_id="team")
    lone_key = Principal("key:kc", is_admin=False, key_id="kc")
    assert await requests(master_principal()) == 4
    assert await requests(team_key) == 3  # its team's
    assert await requests(team_key, ReplayWindow(window.start, now, key_id="ka")) == 2
    assert await requests(lone_key) == 1  # its own
    with pytest.raises(ValidationError):  # asking for another key's rows finds none of them
        await requests(lone_key, ReplayWindow(window.start, now, key_id="ka"))


async def test_bad_windows_say_which(recorded: Recorded, monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime.now(UTC)
    w = recorded.window

    async def field_of(window: ReplayWindow) -> list[tuple[str, str]]:
        with pytest.raises(ValidationError) as raised:
            await replay_service.load_replay(
                recorded.runtime.database.uow_factory(),
                master_principal(),
                recorded.group_id,
                window,
                ["primary"],
                now=now,
                retention=timedelta(days=7),
            )
        return [(e.field, e.message) for e in raised.value.field_errors]

    empty = await field_of(ReplayWindow(now - timedelta(hours=3), now - timedelta(hours=2)))
    backwards = await field_of(ReplayWindow(w.end, w.start))
    old = await field_of(ReplayWindow(now - timedelta(days=8), now - timedelta(days=7, hours=23)))
    monkeypatch.setattr(replay_service, "MAX_SIMULATED_REQUESTS", 10)
    crowded = await field_of(w)

    assert empty == [("replay", "the window holds no recorded request of this group")]
    assert backwards[0][0] == "replay.to"
    assert old[0][0] == "replay.from" and "retention (7 days)" in old[0][1]
    assert crowded[0][0] == "replay" and "28 requests" in crowded[0][1]


async def test_the_recorded_timeline_has_the_simulators_shape(recorded: Recorded) -> None:
    buckets = await recorded.runtime.services.simulations.recorded(
        master_principal(), recorded.group_id, recorded.window, 1.0
    )

    assert sum(b.requests for b in buckets) == 28
    failed = sum(d.failures for b in buckets for d in b.deployments if d.deployment_id == "primary")
    assert failed >= 2
    assert [d.deployment_id for d in buckets[0].deployments][:3] == list(MODELS[:3])
    assert time.time() > 0
