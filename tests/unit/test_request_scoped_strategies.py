"""Every Router learns from its own traffic only, however many of one strategy a process holds.

litellm keeps one strategy callback per class in its process-wide lists: before request-scoped
observation the second LATENCY_BASED Router in a process routed blind (12/13/20 over three
deployments where the first Router sent 45/45 to its fastest). Calls run one at a time on the
wall clock with latencies far apart (5 / 40 / 60 ms), so the fastest is unambiguous.
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter

from gql_server.core.injection import InjectionPlan, LatencyRule
from gql_server.core.models import GroupDeployment, Strategy
from gql_server.core.router_builder import BuiltRouter, build_router
from gql_server.core.scenario import SimulationClock
from gql_server.core.simulation import SimulationRequest, run_simulation
from gql_server.core.simulation_stats import SimulationSummary
from tests.fakes import MESSAGES, deployments_for, make_deployment, make_group

WARM_UP = 15
MEASURED = 30


def latency_group(name: str, fast: str, others: str) -> tuple[BuiltRouter, str]:
    members = [fast, *others]
    group = make_group(
        Strategy.LATENCY_BASED, [GroupDeployment(model_id=m) for m in members], name=name
    )
    latencies = dict(zip(members, (5.0, 60.0, 40.0), strict=True))
    plan = InjectionPlan(latency={m: LatencyRule(ms) for m, ms in latencies.items()}, seed=3)
    return build_router(group, deployments_for(group), mock=True, plan=plan), fast


async def served(built: BuiltRouter, first: int, count: int) -> Counter[str | None]:
    counts: Counter[str | None] = Counter()
    for i in range(first, first + count):
        outcome = await built.call(MESSAGES, request_index=i)
        counts[outcome.trace.final_deployment_id] += 1
    return counts


async def warm_process() -> None:
    """litellm's first calls in a process pay for lazy imports (~1 s), which a latency Router
    would remember as that deployment's latency; pay them once on a Router of no interest."""
    warm, _ = latency_group("warm", "x", "yz")
    with warm:
        await served(warm, 0, 6)


async def test_two_live_latency_routers_and_a_simulation_each_follow_their_own_fastest() -> None:
    random.seed(17)
    await warm_process()
    first, first_fast = latency_group("live-one", "b", "ac")
    second, second_fast = latency_group("live-two", "d", "ef")
    third, third_fast = latency_group("simulated", "h", "gi")
    with first, second, third:
        for n, built in enumerate((first, second, third)):
            await served(built, 1000 * n, WARM_UP)
        summary = None
        run = run_simulation(
            third,
            SimulationRequest(WARM_UP + MEASURED, 1, clock=SimulationClock.WALL),
            simulation_id="third",
        )
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
    assert by_id[third_fast] >= 0.9 * (WARM_UP + MEASURED), by_id


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
