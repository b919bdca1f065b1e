"""Latency- and cost-based routing record the deployments they pass over for rpm/tpm limits.

litellm's latency-based and cost-based strategies leave a deployment out of their pick when its
count this minute would go over its limit (`item_tpm + input_tokens > tpm or item_rpm + 1 >
rpm`, on the counts their success logging keeps). Measured before: a LATENCY_BASED group with
rpm=2 on its fastest deployment sent the excess to the slower one and no trace said why (12
requests: a, a, then ten on b with no skip); the same for COST_BASED on its cheapest. All
through the real Router, on the virtual clock, fixed seeds.
"""

from __future__ import annotations

from typing import Any

import pytest

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import Deployment, GroupDeployment, Strategy
from gql_server.core.domain.traces import RequestTrace, SkippedDeployment, SkipReason
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import FlowStep
from tests.fakes import make_deployment, make_group
from tests.unit.simulate import simulate

# "a" is the preferred deployment: the fastest (5 vs 60 ms) and the cheapest (1e-7 vs 1e-6).
PLAN = InjectionPlan(latency={"a": LatencyRule(5.0), "b": LatencyRule(60.0)})
PRICES = {"a": 1e-7, "b": 1e-6}
STRATEGIES = [Strategy.LATENCY_BASED, Strategy.COST_BASED]


def _deployments(**limits_of_a: Any) -> dict[str, Deployment]:
    def priced(model_id: str, **changes: Any) -> Deployment:
        price = PRICES[model_id]
        return make_deployment(
            model_id, input_cost_per_token=price, output_cost_per_token=price, **changes
        )

    return {"a": priced("a", **limits_of_a), "b": priced("b")}


def _run(strategy: Strategy, deployments: dict[str, Deployment], members: str = "ab") -> Any:
    group = make_group(strategy, [GroupDeployment(model_id=m) for m in members])
    plan = InjectionPlan(latency={m: PLAN.latency[m] for m in members})
    request = SimulationRequest(num_requests=12, concurrency=1, seed=7, plan=plan)
    return simulate(group, deployments, request)


def _edges(flow: list[FlowStep]) -> dict[tuple[str | None, str | None, str], int]:
    return {(s.from_deployment, s.to_deployment, s.reason): s.request_count for s in flow}


def _skipped(traces: list[RequestTrace], reason: SkipReason) -> list[RequestTrace]:
    """The traces that passed "a" over; all of them for `reason`, all after the last on "a"."""
    skipped = [t for t in traces if t.skipped]
    for trace in skipped:
        assert trace.skipped == (SkippedDeployment("a", reason, 0, 0),)
    last_on_a = max((t.request_index for t in traces if t.final_deployment_id == "a"), default=-1)
    assert all(t.request_index > last_on_a for t in skipped)
    return skipped


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_the_preferred_deployment_over_its_rpm_limit_is_recorded_as_an_rpm_skip(
    strategy: Strategy,
) -> None:
    summary, traces, _ = _run(strategy, _deployments(rpm=2))

    assert all(t.success for t in traces)
    # litellm counts a request when its answer is logged, so a pick that runs before the last
    # answer was counted may still take "a": 2 or 3 of the 12 (all in simulated minute 0).
    assert 2 <= sum(t.final_deployment_id == "a" for t in traces) <= 3
    passed_over = _skipped(traces, SkipReason.RPM_LIMIT)
    assert len(passed_over) >= 8, [t.final_deployment_id for t in traces]
    assert all(t.final_deployment_id == "b" for t in passed_over)
    edges = _edges(summary.flow_data)
    assert edges[("a", "b", "skipped_rpm_limit")] == len(passed_over)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_the_preferred_deployment_over_its_tpm_limit_is_recorded_as_a_tpm_skip(
    strategy: Strategy,
) -> None:
    # Mock answers report about 14 tokens a request ("Hello" and the mock answer).
    summary, traces, _ = _run(strategy, _deployments(tpm=40))

    assert all(t.success for t in traces)
    assert 1 <= sum(t.final_deployment_id == "a" for t in traces) <= 4
    passed_over = _skipped(traces, SkipReason.TPM_LIMIT)
    assert len(passed_over) >= 7, [t.final_deployment_id for t in traces]
    assert _edges(summary.flow_data)[("a", "b", "skipped_tpm_limit")] == len(passed_over)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_a_group_with_every_deployment_over_its_limit_fails_with_the_skips_recorded(
    strategy: Strategy,
) -> None:
    summary, traces, _ = _run(strategy, _deployments(rpm=2), members="a")

    failed = [t for t in traces if not t.success]
    assert 8 <= len(failed) <= 10
    assert _skipped(traces, SkipReason.RPM_LIMIT) == failed
    assert all(t.attempts == () for t in failed)
    assert _edges(summary.flow_data)[("a", None, "skipped_rpm_limit")] == len(failed)


def test_a_deployment_within_its_limits_that_is_only_slower_is_not_a_skip() -> None:
    """The slower deployment has a limit it never reaches: latency-based routing leaves it for
    being slower, which is no skip."""
    deployments = _deployments()
    deployments["b"] = make_deployment("b", rpm=1000)
    _, traces, _ = _run(Strategy.LATENCY_BASED, deployments)
    assert all(not t.skipped for t in traces)
    assert sum(t.final_deployment_id == "a" for t in traces) >= 9


def test_asking_litellm_why_draws_nothing_from_the_runs_generator() -> None:
    """Latency-based picks draw from the run's seeded generator (ties are a random choice), and
    so does litellm's check when it is re-run for a reason: the re-run must not shift the
    run's draws. Equal latencies make every pick a draw once both are measured (93.75 ms over the
    mock answer's 12 tokens: 2^-7 s a token, exact in floats, so the averages tie exactly); "b"'s
    unreached limit makes every pick that leaves "b" ask why."""
    group = make_group(Strategy.LATENCY_BASED, [GroupDeployment(model_id=m) for m in "ab"])
    plan = InjectionPlan(latency={"a": LatencyRule(93.75), "b": LatencyRule(93.75)})
    request = SimulationRequest(num_requests=60, concurrency=1, seed=5, plan=plan)

    def picks(**limits_of_b: Any) -> list[str | None]:
        deployments = {"a": make_deployment("a"), "b": make_deployment("b", **limits_of_b)}
        _, traces, _ = simulate(group, deployments, request)
        assert all(not t.skipped for t in traces)
        return [t.final_deployment_id for t in traces]

    unlimited = picks()
    assert 15 <= unlimited[20:].count("a") <= 25, unlimited  # the draws decide, 50:50
    assert picks(rpm=1000) == unlimited
