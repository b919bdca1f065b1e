"""Replay on the core: a window recorded from one run, replayed on the same engine and Router.

The record here is a simulation's own traces (the integration test records real `/v1` traffic).
The self-check: replaying the saved group over its own window ends >= 95% of requests where
they ended (priority failover with failures and cooldowns)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, RoutingGroup, Strategy
from gql_server.core.domain.replay import (
    RecordedAttempt,
    RecordedRequest,
    Replayer,
    ReplaySource,
    ReplayWindow,
)
from gql_server.core.domain.scenario import Incident, TrafficPattern, TrafficSpec
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary
from tests.fakes import deployments_for, make_group
from tests.unit.simulate import simulate

TIERS = ("nebius", "fireworks", "azure")
START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def group_of(strategy: Strategy, members: tuple[str, ...] = TIERS) -> RoutingGroup:
    return make_group(
        strategy,
        [GroupDeployment(model_id=m, priority=i + 1, weight=1) for i, m in enumerate(members)],
        allowed_fails=2,
        cooldown_seconds=20,
        num_retries=1,
    )


# What the simulator's mock answer to its default prompt uses (about 4 characters a token), so
# a usage-based replay sees the sizes the recorded run saw.
SIM_TOKENS = (7, 12)


def as_source(
    traces: list[RequestTrace], duration_s: float, tokens: tuple[int, int] = SIM_TOKENS
) -> ReplaySource:
    requests = []
    behaviour: dict[str, list[RecordedAttempt]] = {}
    for t in sorted(traces, key=lambda t: (t.started_at_ms, t.request_index)):
        attempts = tuple(
            RecordedAttempt(
                a.deployment_id, a.started_at_ms / 1000, a.latency_ms, a.error_kind, a.retry_after_s
            )
            for a in t.attempts
        )
        for a in attempts:
            behaviour.setdefault(a.deployment_id, []).append(a)
        requests.append(
            RecordedRequest(
                t.started_at_ms / 1000,
                *tokens,
                t.final_deployment_id,
                t.latency_ms,
                0.001,
                attempts,
            )
        )
    window = ReplayWindow(START, START + timedelta(seconds=duration_s))
    return ReplaySource(window, tuple(requests), {d: tuple(a) for d, a in behaviour.items()})


def recorded(
    strategy: Strategy, duration_s: float = 120, tokens: tuple[int, int] = SIM_TOKENS
) -> ReplaySource:
    """Two minutes at 10/s: Nebius fails 20% throughout and rate-limits from 30 s to 60 s."""
    request = SimulationRequest(
        0,
        0,
        seed=11,
        traffic=TrafficSpec(10, duration_s, TrafficPattern.POISSON),
        incidents=(Incident("nebius", 30, 60, error_kind=ErrorKind.RATE_LIMIT),),
        plan=InjectionPlan(
            failures={"nebius": FailureRule(0.2)},
            latency={m: LatencyRule(150 + 100 * i, 60) for i, m in enumerate(TIERS)},
        ),
    )
    group = group_of(strategy)
    _, traces, _ = simulate(group, deployments_for(group), request)
    return as_source(traces, duration_s, tokens)


def replay(group: RoutingGroup, source: ReplaySource, seed: int = 3) -> SimulationSummary:
    request = SimulationRequest(0, 0, seed=seed, replay=source)
    summary, _, _ = simulate(group, deployments_for(group), request)
    return summary


def test_replaying_failover_over_its_own_window_ends_where_it_ended() -> None:
    source = recorded(Strategy.PRIORITY_FAILOVER)
    assert any(a.error_kind for r in source.requests for a in r.attempts), "has failures"

    summary = replay(group_of(Strategy.PRIORITY_FAILOVER), source)
    report = summary.replay

    assert report is not None
    assert report.recorded_requests == report.replayed_requests == len(source.requests)
    assert summary.total_requests == len(source.requests)
    assert summary.cooldowns, "the replay cooled Nebius down, as the record did"
    assert report.same_final_deployment >= 0.95
    assert report.assumed_deployments == ["azure"], "never tried in the window: assumed"
    recorded_nebius = next(s for s in report.recorded if s.deployment_id == "nebius")
    assert recorded_nebius.failure_count == sum(
        1
        for r in source.requests
        for a in r.attempts
        if a.deployment_id == "nebius" and a.error_kind
    )
    assert report.recorded_cost_usd == pytest.approx(0.001 * len(source.requests))


def test_a_draft_with_a_deployment_never_recorded_lists_it_as_assumed() -> None:
    source = recorded(Strategy.PRIORITY_FAILOVER)
    draft = group_of(Strategy.PRIORITY_FAILOVER, ("newcomer", "fireworks", "azure"))

    report = replay(draft, source).replay

    assert report is not None
    assert report.assumed_deployments == ["newcomer", "azure"]  # azure: never tried either
    # The newcomer comes first and (assumed) answers everything: no request ends as recorded.
    assert report.same_final_deployment == 0.0


def test_replay_uses_the_recorded_tokens() -> None:
    source = recorded(Strategy.PRIORITY_FAILOVER, duration_s=10, tokens=(30, 70))
    group = group_of(Strategy.PRIORITY_FAILOVER)
    priced = deployments_for(group, input_cost_per_token=1e-6, output_cost_per_token=2e-6)
    request = SimulationRequest(0, 0, seed=1, replay=source)
    summary, traces, _ = simulate(group, priced, request)
    answered = sum(1 for t in traces if t.success)
    assert summary.total_cost_usd == pytest.approx(answered * (30e-6 + 70 * 2e-6))


def test_an_attempt_meets_the_deployments_behaviour_at_that_moment() -> None:
    failing = tuple(
        RecordedAttempt(
            "d", at_s=s, latency_ms=50.0, error_kind=ErrorKind.RATE_LIMIT, retry_after_s=7
        )
        for s in (1.0, 2.0, 3.0)
    )
    fine = tuple(RecordedAttempt("d", at_s=25.0 + s, latency_ms=80.0) for s in range(3))
    window = ReplayWindow(START, START + timedelta(seconds=40))
    replayer = Replayer(ReplaySource(window, (), {"d": failing + fine}))
    rng = random.Random(1)

    early = replayer.outcome(0, "d", 0, at_s=2.0, rng=rng)
    empty_bucket = replayer.outcome(0, "d", 0, at_s=14.0, rng=rng)  # nearest: the failing one
    late = replayer.outcome(0, "d", 0, at_s=36.0, rng=rng)
    unknown = replayer.outcome(0, "x", 0, at_s=2.0, rng=rng)

    assert (early.error_kind, early.retry_after_s, early.latency_ms) == (
        ErrorKind.RATE_LIMIT,
        7,
        50.0,
    )
    assert empty_bucket.error_kind is ErrorKind.RATE_LIMIT
    assert (late.error_kind, late.latency_ms) == (None, 80.0)
    assert (unknown.error_kind, unknown.latency_ms) == (None, 80.0)  # the stated assumption


@pytest.mark.parametrize("strategy", list(Strategy))
def test_self_check_for_every_strategy(
    strategy: Strategy, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's figure per strategy (printed); asserted for priority failover above."""
    report = replay(group_of(strategy), recorded(strategy, duration_s=60)).replay
    assert report is not None
    with capsys.disabled():
        print(f"\nself-check {strategy.value}: {report.same_final_deployment:.3f}")
    assert 0.0 < report.same_final_deployment <= 1.0


def test_a_replayed_attempt_waits_its_providers_part_and_the_window_gives_the_overhead() -> None:
    timed = RecordedAttempt("nebius", 1.0, 130.0, provider_latency_ms=100.0)  # 30 ms gateway
    untimed = RecordedAttempt("nebius", 2.0, 90.0)  # e.g. a streamed answer: no provider part
    window = ReplayWindow(START, START + timedelta(seconds=10))
    request = RecordedRequest(1.0, 7, 12, "nebius", 130.0, 0.0, (timed,))
    source = ReplaySource(window, (request,), {"nebius": (timed, untimed)})

    met = {
        Replayer(source).outcome(5, "nebius", 0, 1.5, random.Random(n)).latency_ms
        for n in range(20)
    }

    # the run adds its gateway overhead on top of the provider's part, never twice
    assert met == {100.0, 90.0}
    assert source.overheads_ms() == [30.0]
