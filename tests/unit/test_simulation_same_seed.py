"""Same seed, same run, under concurrency: identical per-request traces, latencies included.

Regression: litellm's `acompletion` hands each attempt's synchronous `completion` to the loop's
default executor. On threads, concurrent attempts came back in an order that varied from run to
run, so the requests resumed (and drew their next picks from the run's generator) in a varying
order: with concurrency 20, retries, failures and latency jitter, 4-12 of 300 requests differed
between two runs of one seed. The virtual clock now runs that work inline.
"""

from __future__ import annotations

import dataclasses

import pytest

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.request import SimulationRequest
from tests.fakes import deployments_for, make_group
from tests.unit.simulate import simulate

FLAKY, SLOW, STEADY = "flaky", "slow", "steady"


def run_traces(strategy: Strategy, seed: int) -> list[RequestTrace]:
    members = [
        GroupDeployment(model_id=m, weight=w, priority=i + 1)
        for i, (m, w) in enumerate(((FLAKY, 5), (SLOW, 3), (STEADY, 2)))
    ]
    group = make_group(strategy, members, num_retries=2, allowed_fails=1000)
    plan = InjectionPlan(
        failures={FLAKY: FailureRule(0.3, ErrorKind.SERVER_ERROR)},
        latency={SLOW: LatencyRule(200, 100)},
        seed=seed,
    )
    request = SimulationRequest(num_requests=300, concurrency=20, seed=seed, plan=plan)
    traces = simulate(group, deployments_for(group), request)[1]
    # finished_at_ms is the wall time a trace was delivered: not part of the run
    return sorted(
        (dataclasses.replace(t, finished_at_ms=None) for t in traces),
        key=lambda t: t.request_index,
    )


@pytest.mark.parametrize(
    "strategy", [Strategy.SIMPLE_SHUFFLE, Strategy.LATENCY_BASED, Strategy.WEIGHTED]
)
def test_three_runs_of_one_seed_are_identical_under_concurrency(strategy: Strategy) -> None:
    first, second, third = (run_traces(strategy, seed=5) for _ in range(3))
    assert len(first) == 300
    # the scenario exercises what used to diverge: retries after failures, jittered latency
    assert any(len(t.attempts) > 1 for t in first)
    assert len({round(a.latency_ms, 3) for t in first for a in t.attempts}) > 10
    assert first == second
    assert second == third
