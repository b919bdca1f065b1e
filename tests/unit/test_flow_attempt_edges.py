"""flowData edges into a deployment are attempts that happened, for every strategy; a skip
(cooling down, over rpm/tpm) is only a skip edge out of the skipped deployment.

Measured before: a WEIGHTED run showed 122 "primary" edges for 73 attempts (the edge into a
deployment the request only skipped counted as "primary").
"""

from __future__ import annotations

from collections import Counter

import pytest

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import TrafficSpec
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import FlowStep
from tests.fakes import make_deployment, make_group
from tests.unit.simulate import simulate

IDS = ("a", "b", "c")
LIMITED = {Strategy.USAGE_BASED, Strategy.LATENCY_BASED, Strategy.COST_BASED}


def _members(strategy: Strategy) -> list[GroupDeployment]:
    if strategy is Strategy.PRIORITY_FAILOVER:
        return [GroupDeployment(model_id=m, priority=n + 1) for n, m in enumerate(IDS)]
    if strategy is Strategy.WEIGHTED:
        return [GroupDeployment(model_id=m, weight=w) for m, w in zip(IDS, (6, 3, 1), strict=True)]
    return [GroupDeployment(model_id=m) for m in IDS]


def _skip(step: FlowStep) -> bool:
    return step.reason.startswith("skipped_")


@pytest.mark.parametrize("strategy", list(Strategy))
def test_attempt_edges_into_a_deployment_are_its_attempts(strategy: Strategy) -> None:
    # "a" fails most of its attempts and cools down at once; for the strategies that pick by
    # limits, "b" has a tight rpm limit too (the shuffles would read it as a weight): every
    # strategy both attempts and skips deployments
    group = make_group(
        strategy, _members(strategy), num_retries=2, allowed_fails=0, cooldown_seconds=5
    )
    deployments = {
        "a": make_deployment("a", input_cost_per_token=1e-6, output_cost_per_token=1e-6),
        "b": make_deployment(
            "b",
            rpm=20 if strategy in LIMITED else None,
            input_cost_per_token=2e-6,
            output_cost_per_token=2e-6,
        ),
        "c": make_deployment("c", input_cost_per_token=3e-6, output_cost_per_token=3e-6),
    }
    plan = InjectionPlan(
        failures={"a": FailureRule(0.8, ErrorKind.SERVER_ERROR)},
        latency={"a": LatencyRule(40), "b": LatencyRule(60), "c": LatencyRule(80)},
    )
    request = SimulationRequest(0, 0, seed=11, traffic=TrafficSpec(4, 60), plan=plan)
    summary, traces, _ = simulate(group, deployments, request)

    attempts = Counter(a.deployment_id for t in traces for a in t.attempts)
    skips = Counter(s.deployment_id for t in traces for s in t.skipped)
    assert skips["a"] > 0, "the script made no cooldown skips: nothing is checked"
    if strategy in LIMITED:
        assert skips["b"] > 0, "the script made no rpm skips"
    flow = summary.flow_data
    for deployment_id in IDS:
        attempt_edges_in = sum(
            s.request_count
            for s in flow
            if s.to_deployment == deployment_id and s.reason != "success" and not _skip(s)
        )
        edges_out = sum(
            s.request_count for s in flow if s.from_deployment == deployment_id and not _skip(s)
        )
        skip_edges_out = sum(
            s.request_count for s in flow if s.from_deployment == deployment_id and _skip(s)
        )
        assert attempt_edges_in == edges_out == attempts[deployment_id], deployment_id
        assert skip_edges_out == skips[deployment_id], deployment_id
    primary = sum(s.request_count for s in flow if s.reason == "primary")
    never_attempted = sum(
        s.request_count for s in flow if s.from_deployment is None and s.to_deployment is None
    )
    assert primary == sum(1 for t in traces if t.attempts)
    assert primary + never_attempted == summary.total_requests
