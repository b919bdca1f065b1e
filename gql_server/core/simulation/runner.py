"""One simulation of a routing group, start to end, on a throwaway Router: what a worker process
(or a test) calls.

    async def main() -> None:
        async with contextlib.aclosing(
            simulate_group(group, deployments, request, simulation_id=sid, stop=stop_event)
        ) as events:
            async for event in events:  # SimulationProgress batches, then one SimulationSummary
                send(event)

    virtual_clock.run(main(), request.resolved_clock)   # VIRTUAL for mock runs by default

Everything it takes and yields is picklable. `stop` (a `StopSignal`, set on the run's loop) ends
the run early with a `cancelled=True` summary that says why.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass

from gql_server.core.domain.models import Deployment, RoutingGroup
from gql_server.core.domain.rate_limits import RealCallGate
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter import virtual_clock
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.simulation.engine import SimulationEvent, SimulationProgress, run_simulation
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.core.simulation.stop_signal import StopSignal


async def simulate_group(
    group: RoutingGroup,
    deployments: Mapping[str, Deployment],
    request: SimulationRequest,
    *,
    simulation_id: str,
    stop: StopSignal | None = None,
    batch_interval_s: float = 0.05,
    batch_max: int = 200,
    call_gate: RealCallGate | None = None,
) -> AsyncGenerator[SimulationEvent, None]:
    """Progress batches, then one summary. Raises ValidationError (first iteration) on bad
    input. The Router is built on the running loop, used only by this run, and closed at the end."""
    request = request.seeded()
    built = build_router(
        group,
        deployments,
        mock=request.mock,
        plan=request.injection_plan(),
        lean=True,
        call_gate=call_gate,
    )
    try:
        run = run_simulation(
            built,
            request,
            simulation_id=simulation_id,
            stop=stop,
            batch_interval_s=batch_interval_s,
            batch_max=batch_max,
        )
        async with contextlib.aclosing(run) as events:
            async for event in events:
                yield event
    finally:
        built.close()


@dataclass(frozen=True)
class FinishedRun:
    summary: SimulationSummary
    traces: list[RequestTrace]  # every request, by request index
    batches: list[SimulationProgress]


def run_to_end(
    group: RoutingGroup, deployments: Mapping[str, Deployment], request: SimulationRequest
) -> FinishedRun:
    """A whole simulation on a loop of the request's clock, in this thread, keeping every trace
    (tests, benchmarks; a service streams `simulate_group` instead)."""
    batches: list[SimulationProgress] = []
    summaries: list[SimulationSummary] = []

    async def main() -> None:
        run = simulate_group(group, deployments, request, simulation_id="run")
        async with contextlib.aclosing(run) as events:
            async for event in events:
                if isinstance(event, SimulationProgress):
                    batches.append(event)
                else:
                    summaries.append(event)

    virtual_clock.run(main(), request.resolved_clock)
    traces = sorted((t for b in batches for t in b.requests), key=lambda t: t.request_index)
    return FinishedRun(summaries[-1], traces, batches)
