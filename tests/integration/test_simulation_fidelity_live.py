"""The simulator against a live Router on the same script: a live `build_router` Router on wall
time calling the local fake provider, scripted to answer as the simulation injects.

Measured before: the provider's 429 with `Retry-After: 20` cooled the deployment down for 20 s
live, and for the group's own 5 s simulated (injected errors carried no header).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import Deployment, ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import TrafficSpec
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
