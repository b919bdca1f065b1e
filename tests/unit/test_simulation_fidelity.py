"""What the simulator must do as the live Router does: Retry-After on injected failures, where
in its minute a run starts, the gateway's own overhead on every attempt.

Measured before (live vs simulated, same script): a provider's 429 with `Retry-After: 20` cooled
the deployment for 20 s live and for the group's 5 s simulated (injected errors carried no
header); the same burst started at :35 gave 0 rpm skips live and 104 simulated (every run began
at :00). The live side of each is in tests/integration/test_simulation_fidelity_live.py.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from gql_server.core.domain.errors import ValidationError
from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import (
    DEFAULT_JITTER_MS,
    DEFAULT_LATENCY_MS,
    Incident,
    LatencyOrigin,
    OverheadSource,
    SimulationClock,
    TrafficSpec,
)
from gql_server.core.simulation.latency_defaults import (
    with_latency_defaults,
    with_overhead_default,
)
from gql_server.core.simulation.request import (
    SimulationRequest,
    frozen_clock_errors,
    validate_simulation_request,
)
from tests.fakes import deployments_for, make_deployment, make_group
from tests.unit.simulate import simulate

FAILOVER = make_group(
    Strategy.PRIORITY_FAILOVER,
    [GroupDeployment(model_id="a", priority=1), GroupDeployment(model_id="b", priority=2)],
    allowed_fails=0,
    cooldown_seconds=5,
)
STEADY = InjectionPlan(latency={"a": LatencyRule(100), "b": LatencyRule(100)})


def cooldown_lengths_s(retry_after_s: float | None) -> list[float]:
    request = SimulationRequest(
        0,
        0,
        seed=1,
        traffic=TrafficSpec(5, 60),
        plan=STEADY,
        incidents=(
            Incident("a", 0, 30, error_kind=ErrorKind.RATE_LIMIT, retry_after_s=retry_after_s),
        ),
    )
    summary, _, _ = simulate(FAILOVER, deployments_for(FAILOVER), request)
    assert summary.cooldowns
    return [
        ((c.end_ms or summary.simulated_duration_ms) - c.start_ms) / 1000 for c in summary.cooldowns
    ]


def test_a_rate_limit_with_retry_after_cools_the_deployment_down_for_the_headers_length() -> None:
    assert all(math.isclose(s, 20, abs_tol=1e-6) for s in cooldown_lengths_s(20))
    # without the header the group's own cooldown applies
    assert all(math.isclose(s, 5, abs_tol=1e-6) for s in cooldown_lengths_s(None))


def test_failure_injection_carries_retry_after_too() -> None:
    plan = InjectionPlan(
        failures={"a": FailureRule(1.0, ErrorKind.RATE_LIMIT, retry_after_s=12)},
        latency=STEADY.latency,
    )
    request = SimulationRequest(0, 0, seed=1, traffic=TrafficSpec(2, 30), plan=plan)
    summary, _, _ = simulate(FAILOVER, deployments_for(FAILOVER), request)

    starts = [c.start_ms / 1000 for c in summary.cooldowns]
    assert starts == pytest.approx([0.1, 12.5, 25.0], abs=0.6)  # a re-tried as each one ends
    assert all(c.end_ms is None or c.end_ms - c.start_ms == 12_000 for c in summary.cooldowns)


def test_a_retry_sleeps_out_the_retry_after() -> None:
    """One deployment, so the retry waits on it: litellm sleeps the header's seconds (plus its
    jitter of up to 0.75 s) instead of its backoff (0.5 s + jitter)."""
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")], num_retries=1)

    def gap_s(retry_after_s: float | None) -> float:
        request = SimulationRequest(
            1,
            1,
            seed=1,
            plan=InjectionPlan(latency={"a": LatencyRule(100)}),
            incidents=(
                Incident(
                    "a", 0, 0.05, error_kind=ErrorKind.RATE_LIMIT, retry_after_s=retry_after_s
                ),
            ),
        )
        _, [trace], _ = simulate(group, deployments_for(group), request)
        first, second = trace.attempts
        assert (first.error_kind, second.error_kind) == (ErrorKind.RATE_LIMIT, None)
        return (second.started_at_ms - first.started_at_ms - first.latency_ms) / 1000

    assert 3 <= gap_s(3) <= 3.75
    assert 0.5 <= gap_s(None) <= 1.25


def burst_rpm_skips(start_at: datetime | None) -> int:
    """50 requests in 5 s to a latency-based group whose fastest deployment is allowed 30 a
    minute: within one calendar minute the rest skip it; split 25/25 across two, none do."""
    group = make_group(Strategy.LATENCY_BASED, [GroupDeployment(model_id=m) for m in "ab"])
    deployments = {"a": make_deployment("a", rpm=30), "b": make_deployment("b")}
    plan = InjectionPlan(latency={"a": LatencyRule(5), "b": LatencyRule(60)})
    request = SimulationRequest(
        0, 0, seed=2, traffic=TrafficSpec(10, 5), plan=plan, start_at=start_at
    )
    summary, traces, _ = simulate(group, deployments, request)
    assert summary.total_requests == 50 and summary.failed_requests == 0
    assert summary.start_at == (start_at or summary.start_at)
    return sum(1 for t in traces for s in t.skipped if s.reason == "rpm_limit")


def test_a_run_starts_where_start_at_is_in_its_minute() -> None:
    assert burst_rpm_skips(datetime(2026, 12, 1, 9, 30, 57, 500_000, tzinfo=UTC)) == 0
    assert burst_rpm_skips(datetime(2026, 12, 1, 9, 30, 0, tzinfo=UTC)) > 0


def test_the_gateway_overhead_is_added_to_every_attempt() -> None:
    request = SimulationRequest(
        20,
        4,
        seed=1,
        plan=InjectionPlan(
            failures={"a": FailureRule(0.5)}, latency={"a": LatencyRule(100), "b": LatencyRule(40)}
        ),
        gateway_overhead_ms=25,
    )
    summary, traces, _ = simulate(FAILOVER, deployments_for(FAILOVER), request)

    latencies = {a.deployment_id: a.latency_ms for t in traces for a in t.attempts}
    assert latencies == pytest.approx({"a": 125, "b": 65})
    assert summary.gateway_overhead_ms == 25


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (
            SimulationRequest(
                1, 1, plan=InjectionPlan(failures={"a": FailureRule(1, retry_after_s=-1)})
            ),
            "failureInjection[0].retryAfterSeconds",
        ),
        (
            SimulationRequest(1, 1, incidents=(Incident("a", 0, 1, retry_after_s=math.inf),)),
            "incidents[0].retryAfterSeconds",
        ),
        (SimulationRequest(1, 1, gateway_overhead_ms=math.nan), "gatewayOverheadMs"),
        (SimulationRequest(1, 1, gateway_overhead_ms=-5), "gatewayOverheadMs"),
        (
            SimulationRequest(1, 1, mock=False, start_at=datetime(2026, 1, 1, tzinfo=UTC)),
            "startAt",
        ),
        (
            SimulationRequest(
                1,
                1,
                clock=SimulationClock.WALL,
                start_at=datetime(2026, 1, 1, tzinfo=UTC),
            ),
            "startAt",
        ),
    ],
)
def test_bad_fidelity_inputs_are_refused_by_name(request_: SimulationRequest, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_simulation_request(request_, ["a", "b"])
    assert [e.field for e in refused.value.field_errors] == [field]


def test_synthetic_requests_are_the_traffics_token_sizes() -> None:
    """Cost was characters/4 of the mock answer; now each request is the traffic's mean size."""
    group = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])
    priced = {"a": make_deployment("a", input_cost_per_token=1e-6, output_cost_per_token=4e-6)}
    traffic = TrafficSpec(2, 5, prompt_tokens=1000, completion_tokens=250)
    request = SimulationRequest(0, 0, seed=1, traffic=traffic, plan=STEADY_A)
    summary, _, _ = simulate(group, priced, request)

    assert summary.total_requests == 10
    assert summary.total_cost_usd == pytest.approx(10 * (1000 * 1e-6 + 250 * 4e-6))
    # unstated: the documented defaults (500 prompt, 200 completion tokens)
    request = SimulationRequest(0, 0, seed=1, traffic=TrafficSpec(2, 5), plan=STEADY_A)
    summary, _, _ = simulate(group, priced, request)
    assert summary.total_cost_usd == pytest.approx(10 * (500 * 1e-6 + 200 * 4e-6))


STEADY_A = InjectionPlan(latency={"a": LatencyRule(100)})


def test_latency_defaults_say_where_each_came_from() -> None:
    request = SimulationRequest(1, 1, plan=InjectionPlan(latency={"a": LatencyRule(80, 10)}))
    recorded = {"b": [100.0, 120.0, 140.0, 160.0, 180.0, 200.0], "c": [5.0, 6.0]}  # c: too few

    settled = with_latency_defaults(request, ["a", "b", "c"], recorded)

    assert [(s.deployment_id, s.origin, s.mean_ms, s.samples) for s in settled.latency_sources] == [
        ("a", LatencyOrigin.INPUT, 80, 0),
        ("b", LatencyOrigin.RECORDED, 140, 6),
        ("c", LatencyOrigin.DEFAULT, DEFAULT_LATENCY_MS, 0),
    ]
    assert settled.plan.latency["b"].jitter_ms == pytest.approx((200 - 100) / 1.6)
    assert settled.plan.latency["c"] == LatencyRule(DEFAULT_LATENCY_MS, DEFAULT_JITTER_MS)
    assert DEFAULT_LATENCY_MS > 0 and not frozen_clock_errors(settled, ["a", "b", "c"])


def test_a_closed_loop_whose_clock_cannot_advance_is_refused_with_the_reason() -> None:
    """Measured before: 0 ms everywhere, 'clock 0 s', 20% failures read as a total outage."""
    zero = InjectionPlan(latency={"a": LatencyRule(0), "b": LatencyRule(0)})
    frozen = SimulationRequest(1000, 10, plan=zero)
    [error] = frozen_clock_errors(frozen, ["a", "b"])
    assert error.field == "latency" and "could never advance" in error.message
    # any time at all moves it: an overhead, a deployment's latency, or traffic over time
    assert not frozen_clock_errors(replace(frozen, gateway_overhead_ms=1), ["a", "b"])
    slow_b = InjectionPlan(latency={"a": LatencyRule(0), "b": LatencyRule(0, 5)})
    assert not frozen_clock_errors(replace(frozen, plan=slow_b), ["a", "b"])
    assert not frozen_clock_errors(replace(frozen, traffic=TrafficSpec(1, 1)), ["a", "b"])


def test_the_gateway_overhead_defaults_to_the_recorded_median_else_0() -> None:
    open_ = SimulationRequest(1, 1, plan=STEADY)

    recorded = with_overhead_default(open_, [4.0, 1.5, 9.0, 2.5])
    nothing = with_overhead_default(open_, [])
    given = with_overhead_default(replace(open_, gateway_overhead_ms=12.5), [4.0])

    assert (recorded.gateway_overhead_ms, recorded.gateway_overhead_source) == (
        2.5,
        OverheadSource(LatencyOrigin.RECORDED, 4),
    )
    assert (nothing.gateway_overhead_ms, nothing.gateway_overhead_source) == (
        0.0,
        OverheadSource(LatencyOrigin.DEFAULT),
    )
    assert (given.gateway_overhead_ms, given.gateway_overhead_source) == (
        12.5,
        OverheadSource(LatencyOrigin.INPUT),
    )
