"""litellm's rpm/tpm minutes follow a virtual-clock run's simulated minutes.

Measured before: a 5-minute simulated run at 1 req/s on one deployment with rpm=20 let 19
requests through in all (every simulated minute shared the one wall minute's budget). Latency-
and cost-based routing key their counts by `datetime.now()` (local wall time): the same run with
rpm=20 on the fastest (cheapest) of two deployments sent it 20 requests in minute 0 and none in
the four after.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

import pytest
from litellm.router_strategy import lowest_cost, lowest_latency, lowest_tpm_rpm_v2

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.scenario import SimulationClock, TrafficPattern, TrafficSpec
from gql_server.core.domain.traces import SkippedDeployment, SkipReason
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.litellm_adapter.state.usage_minutes import install_run_minutes, usage_now
from gql_server.core.simulation.request import SimulationRequest
from tests.fakes import make_deployment, make_group
from tests.unit.simulate import simulate

FIVE_MINUTES = TrafficSpec(rate_per_second=1, duration_seconds=300, pattern=TrafficPattern.CONSTANT)


def test_an_rpm_limit_holds_per_simulated_minute() -> None:
    group = make_group(Strategy.USAGE_BASED, [GroupDeployment(model_id="a")])
    request = SimulationRequest(num_requests=0, concurrency=0, seed=3, traffic=FIVE_MINUTES)
    summary, traces, _ = simulate(group, {"a": make_deployment("a", rpm=20)}, request)

    assert summary.total_requests == 300
    served = Counter(int(t.started_at_ms // 60_000) for t in traces if t.success)
    # litellm stops picking a deployment at count + 1 >= rpm (19 a minute); its pre-call check
    # admits up to rpm. Tolerance: 17..20 in each of the 5 simulated minutes.
    assert sorted(served) == [0, 1, 2, 3, 4], served
    assert all(17 <= n <= 20 for n in served.values()), served
    # the rest were passed over for the limit, and say so
    refused = [t for t in traces if not t.success]
    assert refused
    assert all(s.reason == "rpm_limit" for t in refused for s in t.skipped)
    assert all(t.skipped for t in refused)


@pytest.mark.parametrize("strategy", [Strategy.LATENCY_BASED, Strategy.COST_BASED])
def test_latency_and_cost_routing_count_rpm_per_simulated_minute(strategy: Strategy) -> None:
    """ "a" is the fastest (5 vs 60 ms) and the cheapest: each minute it takes 20 requests, its
    rpm, and the other 40 go to "b" with "a" passed over for its rpm limit."""
    group = make_group(strategy, [GroupDeployment(model_id=m) for m in "ab"])
    price = {"a": 1e-7, "b": 1e-6}
    deployments = {
        m: make_deployment(
            m, input_cost_per_token=price[m], output_cost_per_token=price[m], **limit
        )
        for m, limit in (("a", {"rpm": 20}), ("b", {}))
    }
    plan = InjectionPlan(latency={"a": LatencyRule(5.0), "b": LatencyRule(60.0)})
    request = SimulationRequest(
        num_requests=0, concurrency=0, seed=3, plan=plan, traffic=FIVE_MINUTES
    )
    summary, traces, _ = simulate(group, deployments, request)

    assert summary.total_requests == 300
    assert all(t.success for t in traces)
    on_a = Counter(int(t.started_at_ms // 60_000) for t in traces if t.final_deployment_id == "a")
    # litellm leaves "a" out once its count + 1 > rpm: 20 a minute. Tolerance: 18..20 in each of
    # the 5 simulated minutes (a latency-based warm-up pick may go to "b" first).
    assert sorted(on_a) == [0, 1, 2, 3, 4], on_a
    assert all(18 <= n <= 20 for n in on_a.values()), on_a
    on_b = [t for t in traces if t.final_deployment_id == "b"]
    skipped = [t for t in on_b if t.skipped]
    assert len(skipped) >= 5 * 38
    assert all(t.skipped == (SkippedDeployment("a", SkipReason.RPM_LIMIT, 0, 0),) for t in skipped)


async def test_outside_a_virtual_clock_the_minute_is_the_wall_clocks() -> None:
    """Live Routers (the server's loop) keep litellm's wall-clock minutes."""
    install_run_minutes()
    strategy_now = vars(lowest_tpm_rpm_v2)["get_utc_datetime"]  # what litellm's strategy reads
    assert strategy_now is usage_now
    before = datetime.now(UTC)
    now = strategy_now()
    after = datetime.now(UTC)
    assert before <= now <= after
    for module in (lowest_latency, lowest_cost):  # local time, naive, as before
        before_local = datetime.now()
        local = module.datetime.now()
        assert local.tzinfo is None
        assert before_local <= local <= datetime.now()


def test_latency_and_cost_minutes_turn_with_the_loop() -> None:
    install_run_minutes()

    async def minutes() -> list[str]:
        def minute() -> str:
            now: list[str] = [
                module.datetime.now().strftime("%H-%M") for module in (lowest_latency, lowest_cost)
            ]
            assert now[0] == now[1]
            return now[0]

        seen = [minute()]
        await asyncio.sleep(61)
        seen.append(minute())
        return seen

    assert virtual_clock.run(minutes(), SimulationClock.VIRTUAL) == ["00-00", "00-01"]


def test_on_a_virtual_clock_minutes_start_with_the_loop() -> None:
    async def minutes() -> list[str]:
        seen = [usage_now().strftime("%H-%M")]
        await asyncio.sleep(59.9)
        seen.append(usage_now().strftime("%H-%M"))
        await asyncio.sleep(0.2)
        seen.append(usage_now().strftime("%H-%M"))
        return seen

    assert virtual_clock.run(minutes(), SimulationClock.VIRTUAL) == ["00-00", "00-00", "00-01"]
