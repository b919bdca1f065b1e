"""Run one simulation start to end on its clock, as a worker process does; keep every trace."""

from __future__ import annotations

from collections.abc import Mapping

from gql_server.core.models import Deployment, RoutingGroup
from gql_server.core.simulation import SimulationProgress, SimulationRequest
from gql_server.core.simulation_runner import run_to_end
from gql_server.core.simulation_stats import SimulationSummary
from gql_server.core.traces import RequestTrace


def simulate(
    group: RoutingGroup, deployments: Mapping[str, Deployment], request: SimulationRequest
) -> tuple[SimulationSummary, list[RequestTrace], list[SimulationProgress]]:
    finished = run_to_end(group, deployments, request)
    return finished.summary, finished.traces, finished.batches
