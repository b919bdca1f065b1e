"""The simulator against a live Router on the same script: a live `build_router` Router on wall
time calling the local fake provider, scripted to answer as the simulation injects.

Measured before: the provider's 429 with `Retry-After: 20` cooled the deployment down for 20 s
live, and for the group's own 5 s simulated (injected errors carried no header).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import Deployment, ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import TrafficSpec
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.state.deployment_state import deployment_states
from gql_server.core.simulation.request import SimulationRequest
from tests.fakes import MESSAGES, make_deployment, make_group
from tests.fakes.openai_server import FakeOpenAIServer
from tests.unit.simulate import simulate

GROUP = make_group(
    Strategy.PRIORITY_FAILOVER,
    [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
    allowed_fails=0,
    cooldown_seconds=5,
)


def on(server: FakeOpenAIServer) -> dict[str, Deployment]:
    return {
        m: make_deployment(m, api_base=server.base_url, api_key="sk-fake-provider") for m in "ab"
    }


async def live_cooldown_s(retry_after_s: float | None) -> float:
    """One request through a live Router: "a" answers 429 (with the header when given), "b"
    serves; how long litellm then holds "a" in cooldown."""
    with FakeOpenAIServer() as server:
        server.answer("model-a", status=429, retry_after_s=retry_after_s)
        with build_router(GROUP, on(server), mock=False) as built:
            outcome = await built.call(list(MESSAGES))
            asked = datetime.now(UTC)
            states = {s.deployment_id: s for s in await deployment_states(built)}
    assert [(a.deployment_id, a.error_kind) for a in outcome.trace.attempts] == [
        ("a", ErrorKind.RATE_LIMIT),
        ("b", None),
    ]
    ends = states["a"].cooldown_ends_at
    assert ends is not None
    return (ends - asked).total_seconds()


def simulated_cooldowns_s(retry_after_s: float | None) -> list[float]:
    """The same script simulated: "a" always answers 429, 1 request a second for 45 s."""
    plan = InjectionPlan(
        failures={"a": FailureRule(1.0, ErrorKind.RATE_LIMIT, retry_after_s=retry_after_s)},
        latency={m: LatencyRule(50) for m in "ab"},
    )
    request = SimulationRequest(0, 0, seed=1, traffic=TrafficSpec(1, 45), plan=plan)
    deployments = {m: make_deployment(m) for m in "ab"}
    summary, _, _ = simulate(GROUP, deployments, request)
    return [(c.end_ms - c.start_ms) / 1000 for c in summary.cooldowns if c.end_ms is not None]


@pytest.mark.parametrize("retry_after_s", [20.0, None])
def test_a_retry_after_cools_down_for_as_long_live_and_simulated(
    retry_after_s: float | None,
) -> None:
    live = asyncio.run(live_cooldown_s(retry_after_s))
    simulated = simulated_cooldowns_s(retry_after_s)

    assert simulated, "the simulated deployment never finished a cooldown"
    expected = retry_after_s or GROUP.cooldown.cooldown_time_seconds
    # live: read a moment after the failure (tolerance 1 s of wall time); simulated: exact
    assert live == pytest.approx(expected, abs=1.0)
    assert all(s == pytest.approx(expected, abs=1e-6) for s in simulated)


RETRYING = make_group(
    Strategy.PRIORITY_FAILOVER,
    [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
    num_retries=1,
    allowed_fails=100,  # no cooldown: the retry goes back to "a"
)
JITTER_S = 0.75  # litellm adds up to this much to a Retry-After it sleeps


def _retry_sleep_s(trace: RequestTrace) -> float:
    first, retry, served = trace.attempts
    assert [first.deployment_id, retry.deployment_id, served.deployment_id] == ["a", "a", "b"]
    return (retry.started_at_ms - first.started_at_ms - first.latency_ms) / 1000


async def live_retry_sleep_s(retry_after_s: float) -> float:
    with FakeOpenAIServer() as server:
        server.answer("model-a", status=429, retry_after_s=retry_after_s)
        with build_router(RETRYING, on(server), mock=False) as built:
            outcome = await built.call(list(MESSAGES))
    return _retry_sleep_s(outcome.trace)


def simulated_retry_sleeps_s(retry_after_s: float) -> list[float]:
    plan = InjectionPlan(
        failures={"a": FailureRule(1.0, ErrorKind.RATE_LIMIT, retry_after_s=retry_after_s)},
        latency={m: LatencyRule(50) for m in "ab"},
    )
    request = SimulationRequest(0, 0, seed=5, traffic=TrafficSpec(0.1, 60), plan=plan)
    _, traces, _ = simulate(RETRYING, {m: make_deployment(m) for m in "ab"}, request)
    return [_retry_sleep_s(t) for t in traces]


def test_a_retry_sleeps_out_the_retry_after_live_and_simulated() -> None:
    live = asyncio.run(live_retry_sleep_s(2.0))
    simulated = simulated_retry_sleeps_s(2.0)

    assert len(simulated) == 6
    # litellm sleeps the header's seconds plus its jitter before retrying, live and simulated
    # (simulated: on the run's clock, drawn from the run's seed); live adds wall-clock noise
    assert 2.0 <= live <= 2.0 + JITTER_S + 0.25, live
    assert all(2.0 <= s <= 2.0 + JITTER_S for s in simulated), simulated


LIMITED = make_group(
    Strategy.USAGE_BASED, [GroupDeployment(model_id="a"), GroupDeployment(model_id="b")]
)
BURST = 20  # one request a second, the first at :45.5: 15 in one calendar minute, 5 in the next


def _refused(traces: list[RequestTrace]) -> tuple[int, int]:
    """(requests that failed, rpm skips recorded)."""
    failed = sum(not t.success for t in traces)
    skips = sum(s.reason == "rpm_limit" for t in traces for s in t.skipped)
    return failed, skips


async def live_burst() -> list[RequestTrace]:
    """The burst through a live Router on wall time, started at second 45.5 of a minute."""
    with FakeOpenAIServer() as server:
        deployments = {
            m: make_deployment(m, api_base=server.base_url, api_key="sk-fake", rpm=6) for m in "ab"
        }
        with build_router(LIMITED, deployments, mock=False) as built:
            await built.call(list(MESSAGES))  # litellm's first call is slow: not in the burst
            await asyncio.sleep(65)  # a fresh minute for the counts it made
            now = datetime.now(UTC)
            start = now.replace(second=45, microsecond=500_000)
            if start <= now:
                start += timedelta(minutes=1)
            loop = asyncio.get_running_loop()
            origin = loop.time() + (start - now).total_seconds()
            tasks = []
            for i in range(BURST):
                await asyncio.sleep(max(0.0, origin + i - loop.time()))
                tasks.append(asyncio.create_task(built.call(list(MESSAGES))))
            outcomes = await asyncio.gather(*tasks)
    return [o.trace for o in outcomes]


def simulated_burst(start_at: datetime) -> list[RequestTrace]:
    request = SimulationRequest(0, 0, seed=2, traffic=TrafficSpec(1, BURST), start_at=start_at)
    deployments = {m: make_deployment(m, rpm=6) for m in "ab"}
    _, traces, _ = simulate(LIMITED, deployments, request)
    return traces


def test_a_burst_started_at_45_s_meets_the_same_rpm_limits_live_and_simulated() -> None:
    live = _refused(asyncio.run(live_burst()))
    at_45 = _refused(simulated_burst(datetime(2026, 12, 3, 12, 0, 45, 500_000, tzinfo=UTC)))
    at_00 = _refused(simulated_burst(datetime(2026, 12, 3, 12, 0, 0, 500_000, tzinfo=UTC)))

    # the same requests refused and the same rpm skips (measured: 5 refused, 11 skips, live and
    # simulated; started at :00: 10 refused, 21 skips); the
    # first minute has 15 of them, the next 5. Started at :00, all 20 share one minute's budget:
    # where in its minute a run starts matters, and startAt places it as live
    assert live == at_45, (live, at_45)
    assert at_45[0] > 0
    assert at_00[0] > at_45[0], (at_00, at_45)
