"""The simulation pipeline, end to end vs in-process, in one run, as a ratio.

    python -m benchmarks.pipeline [simulated seconds=3600] [--profile]

The 1-hour scenario of `python -m benchmarks` (20 req/s open loop, so 72,000 requests for
3,600 s; Nebius flaky, rate-limited twice, 800 ms; 60 s cooldowns) twice: once end to end
(server subprocess, worker process, pipe, relay, GraphQL, a graphql-transport-ws client that
receives every trace) and once in-process (`run_to_end`: the same engine, no server). Prints
requests per wall second of each and end to end / in-process. `--profile` samples the server
and its worker with py-spy during the end-to-end run and the in-process run with cProfile, and
prints the top entries of each.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.__main__ import HOUR_SCENARIO, NEBIUS
from benchmarks.end_to_end import simulate
from benchmarks.production import tree_cpu_seconds
from benchmarks.replay_hour import print_profile, profiled
from benchmarks.serve import served
from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, Strategy
from gql_server.core.domain.scenario import Incident, TrafficSpec
from gql_server.core.litellm_adapter.install import install
from gql_server.core.simulation.latency_defaults import with_latency_defaults
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.runner import run_to_end
from tests.fakes import deployments_for, make_group

install()  # the process's litellm set-up, as the app and the simulation worker do

TIERS = (NEBIUS, "fireworks-llama-v3p3-70b", "azure-gpt-4o")


def _in_process_request(seconds: float) -> SimulationRequest:
    """HOUR_SCENARIO as the service settles it (latency defaults for the other tiers)."""
    request = SimulationRequest(
        0,
        0,
        seed=7,
        traffic=TrafficSpec(20, seconds),
        incidents=tuple(
            Incident(NEBIUS, start, min(end, seconds), error_kind=ErrorKind.RATE_LIMIT)
            for start, end in ((600, 1200), (2400, 3000))
            if start < seconds
        ),
        plan=InjectionPlan(
            failures={NEBIUS: FailureRule(0.02, ErrorKind.SERVER_ERROR)},
            latency={NEBIUS: LatencyRule(800, 200)},
        ),
        gateway_overhead_ms=0.0,
    ).started(datetime.now(UTC))
    return with_latency_defaults(request, set(TIERS), {})


def in_process(seconds: float, profile: Path | None) -> tuple[int, float]:
    group = make_group(
        Strategy.PRIORITY_FAILOVER,
        [GroupDeployment(model_id=m, priority=i + 1) for i, m in enumerate(TIERS)],
        allowed_fails=1,
        cooldown_seconds=60,
    )
    run_to_end(group, deployments_for(group), SimulationRequest(50, 5))  # first-call set-up
    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    finished = run_to_end(group, deployments_for(group), _in_process_request(seconds))
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(str(profile))
    return finished.summary.total_requests, time.perf_counter() - began


def _process_cpu_s(pid: int) -> float:
    """CPU seconds used so far by `pid` alone (not its simulation worker)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _row(label: str, value: str, note: str = "") -> str:
    return f"{label:<46} {value:>12}  {note}"


async def main(seconds: float, profile: bool) -> None:
    scenario = {
        **HOUR_SCENARIO,
        "traffic": {**HOUR_SCENARIO["traffic"], "durationSeconds": seconds},
    }
    print(f"pipeline: the hour scenario over {seconds:,.0f} simulated s (20 req/s)")
    with tempfile.TemporaryDirectory() as tmp, served() as server:
        out = Path(tmp) / "e2e.txt"
        await simulate(
            server.ws_url, server.key, server.hour_group_id, {"numRequests": 200, "concurrency": 10}
        )
        spy = profiled(server.pid, out, int(seconds) + 600) if profile else None
        if spy is not None:
            spy.__enter__()
        began = time.perf_counter()
        cpu_before = _process_cpu_s(server.pid), tree_cpu_seconds(server.pid)
        run = await simulate(server.ws_url, server.key, server.hour_group_id, scenario)
        e2e_wall = time.perf_counter() - began
        server_cpu = _process_cpu_s(server.pid) - cpu_before[0]
        all_cpu = tree_cpu_seconds(server.pid) - cpu_before[1]
        if spy is not None:
            spy.__exit__(None, None, None)
        print(_row("end to end: requests received", f"{run.requests:,}", f"in {e2e_wall:.1f} s"))
        local_prof = Path(tmp) / "local.prof" if profile else None
        local_requests, local_wall = await asyncio.to_thread(in_process, seconds, local_prof)
        e2e_rps, local_rps = run.requests / e2e_wall, local_requests / local_wall
        print(_row("in-process: requests", f"{local_requests:,}", f"in {local_wall:.1f} s"))
        print(_row("end to end (req/s)", f"{e2e_rps:.0f}"))
        print(_row("in-process (req/s)", f"{local_rps:.0f}"))
        print(_row("end to end / in-process", f"{e2e_rps / local_rps:.2f}x"))
        # CPU per trace holds still on a busy machine, where wall rates do not.
        per = 1000 / max(run.requests, 1)
        print(_row("server CPU ms per trace (relay, GraphQL)", f"{server_cpu * per:.3f}"))
        print(_row("server + worker CPU ms per trace", f"{all_cpu * per:.3f}"))
        if profile:
            await asyncio.sleep(1)
            print("\npy-spy, end to end (innermost frame of ours or litellm's, by process):")
            print_profile(out, top=15)
            text = io.StringIO()
            stats = pstats.Stats(str(Path(tmp) / "local.prof"), stream=text)
            stats.sort_stats("tottime").print_stats(15)
            print("\ncProfile, in-process (tottime):")
            print("\n".join(text.getvalue().splitlines()[-22:]))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(main(float(args[0]) if args else 3600.0, "--profile" in sys.argv))
