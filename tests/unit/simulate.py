"""Run one simulation start to end on its clock, as a worker process does; keep every trace."""

from __future__ import annotations

from collections.abc import Mapping

from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.engine import SimulationProgress
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import run_to_end
from gql_server.core.simulation.stats import SimulationSummary


def simulate(
    group: RoutingGroup, deployments: Mapping[str, Deployment], request: SimulationRequest
) -> tuple[SimulationSummary, list[RequestTrace], list[SimulationProgress]]:
    finished = run_to_end(group, deployments, request)
    return finished.summary, finished.traces, finished.batches
