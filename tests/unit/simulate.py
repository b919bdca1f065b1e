"""Run one simulation start to end on its clock, as a worker process does; keep every trace."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import (
    Deployment,
    ErrorKind,
    GroupDeployment,
    RoutingGroup,
    Strategy,
)
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.engine import SimulationProgress
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import run_to_end
from gql_server.core.simulation.stats import FlowStep, SimulationSummary
from tests.fakes import make_deployment, make_group


def simulate(
    group: RoutingGroup, deployments: Mapping[str, Deployment], request: SimulationRequest
) -> tuple[SimulationSummary, list[RequestTrace], list[SimulationProgress]]:
    finished = run_to_end(group, deployments, request)
    return finished.summary, finished.traces, finished.batches


def failing_tiers_run(
    strategy: Strategy,
    *,
    tpm_a: int,
    failure_rate: float,
    seed: int,
    num_requests: int,
    concurrency: int,
) -> tuple[list[FlowStep], list[RequestTrace]]:
    """Three tiers a/b/c (a with a small tpm), 2 retries, allowedFails 2; a and b fail at
    `failure_rate`, b is slow: successes, errors, retries, fallbacks, cooldowns and tpm skips.
    The run's flow data and traces, without the wall time each trace was delivered."""
    members = [GroupDeployment(model_id=m, priority=i + 1) for i, m in enumerate("abc")]
    group = make_group(strategy, members, num_retries=2, allowed_fails=2)
    deployments = {m: make_deployment(m, tpm=tpm_a if m == "a" else 100_000) for m in "abc"}
    plan = InjectionPlan(
        failures={m: FailureRule(failure_rate, ErrorKind.SERVER_ERROR) for m in "ab"},
        latency={"b": LatencyRule(200, 100)},
        seed=seed,
    )
    request = SimulationRequest(
        num_requests=num_requests, concurrency=concurrency, seed=seed, plan=plan
    )
    summary, traces, _ = simulate(group, deployments, request)
    return summary.flow_data, [dataclasses.replace(t, finished_at_ms=None) for t in traces]
