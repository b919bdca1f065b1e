"""Simulated time: latencies are the injected ones, waits cost no wall time, cooldowns end on
the run's clock. Everything runs through the real Router on a virtual-clock loop."""

from __future__ import annotations

import asyncio

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import SimulationClock, TrafficSpec
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.simulation.request import SimulationRequest
from tests.fakes import deployments_for, make_group
from tests.unit.simulate import simulate


def test_the_loop_jumps_to_its_next_timer() -> None:
    async def main() -> tuple[float, float]:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await asyncio.gather(*(asyncio.sleep(3600) for _ in range(100)))
        slept = loop.time() - start
        try:
            async with asyncio.timeout(5):
                await asyncio.sleep(60)
        except TimeoutError:
            pass
        return slept, loop.time() - start

    assert virtual_clock.run(main(), SimulationClock.VIRTUAL) == (3600.0, 3605.0)


def test_reported_latency_is_the_injected_latency_at_concurrency_20() -> None:
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id=m) for m in "ab"])
    plan = InjectionPlan(latency={m: LatencyRule(5_000) for m in "ab"})
    summary, traces, _ = simulate(
        group, deployments_for(group), SimulationRequest(2_000, 20, seed=1, plan=plan)
    )
    assert summary.clock is SimulationClock.VIRTUAL
    assert summary.total_requests == 2_000
    assert abs(summary.p50_latency_ms - 5_000) <= 50  # within 1%
    assert abs(summary.p99_latency_ms - 5_000) <= 50
    # 2,000 requests, 20 at a time, 5 s each: 100 rounds of 5 s on the run's clock
    assert abs(summary.simulated_duration_ms - 500_000) <= 5_000
    assert all(a.latency_ms == 5_000 for t in traces for a in t.attempts)


def test_a_30_second_cooldown_ends_after_30_simulated_seconds() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="p1", priority=1), GroupDeployment(model_id="p2", priority=2)],
        allowed_fails=0,
        cooldown_seconds=30,
    )
    plan = InjectionPlan(failures={"p1": FailureRule(1.0, ErrorKind.SERVER_ERROR)})
    request = SimulationRequest(0, 0, seed=2, plan=plan, traffic=TrafficSpec(1, 70))
    summary, traces, _ = simulate(group, deployments_for(group), request)

    first, second, *_ = summary.cooldowns
    assert first.start_ms == 0.0
    assert first.end_ms == 30_000.0
    tried_p1 = [t.started_at_ms for t in traces if any(a.deployment_id == "p1" for a in t.attempts)]
    # skipped while cooling down, tried again at the first request after the cooldown ended
    assert tried_p1[:2] == [0.0, 30_000.0]
    assert second.start_ms == 30_000.0
    skipped = [t for t in traces if t.skipped]
    assert {s.deployment_id for t in skipped for s in t.skipped} == {"p1"}
    assert all(t.final_deployment_id == "p2" for t in traces)


def test_the_groups_timeout_fails_a_slower_attempt_as_timeout() -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id="slow", priority=1), GroupDeployment(model_id="ok", priority=2)],
        settings={"timeout_seconds": 2.0, "max_fallbacks": 5},
    )
    plan = InjectionPlan(latency={"slow": LatencyRule(10_000), "ok": LatencyRule(100)})
    summary, traces, _ = simulate(
        group, deployments_for(group), SimulationRequest(5, 1, seed=3, plan=plan)
    )
    assert summary.successful_requests == 5
    first = traces[0].attempts
    assert first[0].error_kind is ErrorKind.TIMEOUT
    assert first[0].latency_ms == 2_000
    assert traces[0].latency_ms == 2_100
