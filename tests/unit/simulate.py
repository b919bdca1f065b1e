"""Run one simulation start to end on its clock, as a worker process does; keep every trace."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from gql_server.core import virtual_clock
from gql_server.core.models import Deployment, RoutingGroup
from gql_server.core.simulation import SimulationProgress, SimulationRequest
from gql_server.core.simulation_runner import simulate_group
from gql_server.core.simulation_stats import SimulationSummary
from gql_server.core.traces import RequestTrace


def simulate(
    group: RoutingGroup, deployments: Mapping[str, Deployment], request: SimulationRequest
) -> tuple[SimulationSummary, list[RequestTrace], list[SimulationProgress]]:
    batches: list[SimulationProgress] = []
    summaries: list[SimulationSummary] = []

    async def main() -> None:
        run = simulate_group(group, deployments, request, simulation_id="test")
        async with contextlib.aclosing(run) as events:
            async for event in events:
                if isinstance(event, SimulationProgress):
                    batches.append(event)
                else:
                    summaries.append(event)

    virtual_clock.run(main(), request.resolved_clock)
    (summary,) = summaries
    traces = sorted((t for b in batches for t in b.requests), key=lambda t: t.request_index)
    return summary, traces, batches
