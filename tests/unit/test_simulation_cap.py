"""A run stops itself at 24 h simulated, whatever its shape.

Open-loop traffic is validated to start within 24 h, but a closed loop (`numRequests` over
`concurrency` workers) was not bounded in time at all: measured before, 200 requests of 500 s
each, one at a time, ran 100,000 simulated seconds.
"""

from __future__ import annotations

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.scenario import MAX_SIMULATED_SECONDS
from gql_server.core.simulation.engine import CAPPED_REASON
from gql_server.core.simulation.request import SimulationRequest
from tests.fakes import deployments_for, make_group
from tests.unit.simulate import simulate

GROUP = make_group(Strategy.SIMPLE_SHUFFLE, [GroupDeployment(model_id="a")])


def _slow(num_requests: int) -> SimulationRequest:
    return SimulationRequest(
        num_requests=num_requests,
        concurrency=1,
        seed=1,
        plan=InjectionPlan(latency={"a": LatencyRule(500_000.0)}),  # 500 s an answer
    )


def test_a_closed_loop_run_stops_at_24_simulated_hours() -> None:
    summary, traces, _ = simulate(GROUP, deployments_for(GROUP), _slow(200))

    # 172 answers fit in 86,400 s (the 173rd was in flight at the cap and is dropped)
    assert summary.total_requests == len(traces) == 172
    assert all(t.success for t in traces)
    assert summary.cancelled
    assert summary.stopped_reason == CAPPED_REASON
    assert "24 hours" in CAPPED_REASON
    assert abs(summary.simulated_duration_ms - MAX_SIMULATED_SECONDS * 1000) < 1.0
    assert max(t.started_at_ms for t in traces) < MAX_SIMULATED_SECONDS * 1000


def test_a_run_within_the_cap_is_not_stopped() -> None:
    summary, traces, _ = simulate(GROUP, deployments_for(GROUP), _slow(172))

    assert summary.total_requests == len(traces) == 172
    assert not summary.cancelled
    assert summary.stopped_reason is None
    assert summary.simulated_duration_ms == 172 * 500_000.0
