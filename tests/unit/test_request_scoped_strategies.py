"""Every Router learns from its own traffic only, however many of one strategy a process holds.

litellm keeps one strategy callback per class in its process-wide lists: before request-scoped
observation the second LATENCY_BASED Router in a process routed blind (12/13/20 over three
deployments where the first Router sent 45/45 to its fastest). Calls run one at a time on a
virtual clock, so each Router sees exactly the latencies injected (5 / 60 / 40 ms).
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.scenario import SimulationClock
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.simulation.engine import run_simulation
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary
from tests.fakes import MESSAGES, deployments_for, make_deployment, make_group

WARM_UP = 15
MEASURED = 30


def latency_group(
    name: str, fast: str, others: str, *, live: bool = False
) -> tuple[BuiltRouter, str]:
    members = [fast, *others]
    group = make_group(
        Strategy.LATENCY_BASED, [GroupDeployment(model_id=m) for m in members], name=name
    )
    latencies = dict(zip(members, (5.0, 60.0, 40.0), strict=True))
    plan = InjectionPlan(latency={m: LatencyRule(ms) for m, ms in latencies.items()}, seed=3)
    built = build_router(group, deployments_for(group), mock=True, plan=plan, isolated=not live)
    return built, fast


async def served(built: BuiltRouter, first: int, count: int) -> Counter[str | None]:
    counts: Counter[str | None] = Counter()
    for i in range(first, first + count):
        outcome = await built.call(MESSAGES, request_index=i)
        counts[outcome.trace.final_deployment_id] += 1
    return counts


def test_two_live_latency_routers_and_a_simulation_each_follow_their_own_fastest() -> None:
    virtual_clock.run(_three_latency_routers(), SimulationClock.VIRTUAL)


async def _three_latency_routers() -> None:
    random.seed(17)
    first, first_fast = latency_group("live-one", "b", "ac", live=True)
    second, second_fast = latency_group("live-two", "d", "ef", live=True)
    third, third_fast = latency_group("simulated", "h", "gi")
    with first, second, third:
        for n, built in enumerate((first, second)):
            await served(built, 1000 * n, WARM_UP)
        summary = None
        run = run_simulation(third, SimulationRequest(WARM_UP + MEASURED, 1), simulation_id="third")
        async with contextlib.aclosing(run) as events:
            async for event in events:
                if isinstance(event, SimulationSummary):
                    summary = event
        first_counts = await served(first, 100, MEASURED)
        second_counts = await served(second, 1100, MEASURED)
    assert first_counts[first_fast] >= 0.9 * MEASURED, first_counts
    assert second_counts[second_fast] >= 0.9 * MEASURED, second_counts
    assert summary is not None
    by_id = {s.deployment_id: s.request_count for s in summary.traffic_distribution}
    assert by_id[third_fast] >= 0.9 * MEASURED, by_id


async def test_two_cost_routers_each_pick_their_own_cheapest() -> None:
    def cost_router(name: str, prices: dict[str, float]) -> BuiltRouter:
        group = make_group(
            Strategy.COST_BASED, [GroupDeployment(model_id=m) for m in prices], name=name
        )
        deployments = {
            m: make_deployment(m, input_cost_per_token=p, output_cost_per_token=p)
            for m, p in prices.items()
        }
        return build_router(group, deployments, mock=True)

    with (
        cost_router("cost-one", {"a": 3e-6, "b": 1e-7, "c": 1e-6}) as first,
        cost_router("cost-two", {"d": 1e-7, "e": 3e-6, "f": 1e-6}) as second,
    ):
        assert await served(first, 0, 20) == {"b": 20}
        assert await served(second, 0, 20) == {"d": 20}


async def test_a_simulation_never_spends_a_live_groups_rpm_budget() -> None:
    """Measured before: 3 of 6 simulated requests were refused by the live group's rpm=3, and
    the live group then sent 10/10 away from that deployment."""
    random.seed(5)

    def usage_router(*, live: bool) -> BuiltRouter:
        group = make_group(
            Strategy.USAGE_BASED, [GroupDeployment(model_id=m) for m in "ab"], name="usage"
        )
        deployments = {"a": make_deployment("a", rpm=3), "b": make_deployment("b", rpm=1000)}
        return build_router(group, deployments, mock=True, isolated=not live)

    with usage_router(live=True) as live:
        with usage_router(live=False) as simulated:
            simulated_counts = await served(simulated, 0, 6)
        live_counts = await served(live, 0, 10)
    # nothing refused, and each Router honours rpm=3 on "a" with a budget of its own
    # (litellm's usage-based routing stops at count + 1 >= rpm)
    assert None not in simulated_counts and None not in live_counts
    assert 1 <= simulated_counts["a"] <= 3, simulated_counts
    assert 1 <= live_counts["a"] <= 3, live_counts
