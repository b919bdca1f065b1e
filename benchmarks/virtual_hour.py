"""Wall seconds for a 1-hour simulated scenario on the virtual clock, in-process (no server).

    python -m benchmarks.virtual_hour [minutes=60]

20 req/s open loop, PRIORITY_FAILOVER over three deployments, 60 s cooldowns, an incident on the
first tier for a third of the run, 200 +- 50 ms injected latency. Prints, asserts nothing.
"""

from __future__ import annotations

import asyncio
import sys
import time

from benchmarks.throughput import bare_loop
from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import Incident, TrafficSpec
from gql_server.core.litellm_adapter.install import install
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import run_to_end
from tests.fakes import deployments_for, make_group

install()  # the process's litellm set-up, as the app and the simulation worker do

TIERS = ("nebius", "fireworks", "azure")


def main(minutes: float) -> None:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id=m, priority=i + 1) for i, m in enumerate(TIERS)],
        allowed_fails=1,
        cooldown_seconds=60,
    )
    seconds = minutes * 60
    request = SimulationRequest(
        0,
        0,
        seed=1,
        traffic=TrafficSpec(20, seconds),
        incidents=(
            Incident("nebius", seconds / 3, 2 * seconds / 3, error_kind=ErrorKind.RATE_LIMIT),
        ),
        plan=InjectionPlan(latency={m: LatencyRule(200, 50) for m in TIERS}),
    )
    run_to_end(group, deployments_for(group), SimulationRequest(50, 5))  # first-call set-up
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = run_to_end(group, deployments_for(group), request).summary
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    bare_cpu_started = time.process_time()
    bare = asyncio.run(bare_loop(2000, 20))
    bare_cpu = time.process_time() - bare_cpu_started
    engine_rps = summary.total_requests / wall
    print(
        f"bare Router.acompletion loop (same run): {bare.requests_per_s:,.0f} req/s; "
        f"virtual-clock engine / bare = {engine_rps / bare.requests_per_s:.2f}x; CPU per "
        f"request: engine {cpu / summary.total_requests * 1000:.2f} ms, bare "
        f"{bare_cpu / bare.requests * 1000:.2f} ms"
    )
    print(
        f"{summary.total_requests:,} requests, {summary.simulated_duration_ms / 1000:,.0f} s "
        f"simulated, {len(summary.cooldowns)} cooldowns: {wall:,.1f} s wall "
        f"({summary.total_requests / wall:,.0f} req/s; 1 h at 20 req/s would take "
        f"{72_000 / (summary.total_requests / wall):,.0f} s)"
    )


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 60.0)
