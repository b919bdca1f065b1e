"""litellm's latency history expires an hour after it was started, live and simulated.

Latency-based routing keeps a model group's latency samples in litellm's in-memory cache under
one key whose 1-hour TTL is set by its first write (later writes do not move it). Live, a
deployment that was slow early is shunned until that hour is over, then the history is dropped
and it is tried again. The live half runs a live Router on wall time against the fake provider
with the cache's clock patched forward an hour (an hour of wall time is not test time); the
simulated half runs the same script for 2 hours on the virtual clock.

Measured before (cache on wall time in a virtual-clock run): the once-slow deployment got 1
attempt in 2 simulated hours; after: it serves again from the first request after 3600 s.
"""

from __future__ import annotations

import asyncio
import time
import types

import pytest
from litellm.caching import in_memory_cache

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.scenario import Incident, TrafficSpec
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.simulation.request import SimulationRequest
from tests.fakes import MESSAGES, make_deployment, make_group
from tests.fakes.openai_server import FakeOpenAIServer
from tests.unit.simulate import simulate

GROUP = make_group(
    Strategy.LATENCY_BASED,
    [GroupDeployment(model_id="a"), GroupDeployment(model_id="b")],
)
TTL_S = 3600.0


class ShiftedTime(types.ModuleType):
    """`time` for litellm's in-memory cache, `shift` seconds ahead of the wall clock."""

    shift = 0.0

    def time(self) -> float:
        return time.time() + self.shift


async def live_picks(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str], list[str]]:
    """Final deployments: while "a" is slow, once it is fast, and an hour later."""
    clock = ShiftedTime("time")
    monkeypatch.setattr(in_memory_cache, "time", clock)
    with FakeOpenAIServer() as server:
        server.answer("model-a", delay_s=0.5)
        server.answer("model-b", delay_s=0.05)
        deployments = {
            m: make_deployment(m, api_base=server.base_url, api_key="sk-fake") for m in "ab"
        }
        # litellm's first call in a process is slow (client set-up): not a sample of "b"'s
        warm_up = make_group(Strategy.SIMPLE_SHUFFLE, list(GROUP.deployments), name="warm-up")
        with build_router(warm_up, deployments, mock=False) as other:
            for _ in range(4):
                await other.call(list(MESSAGES))
        with build_router(GROUP, deployments, mock=False) as built:

            async def picks(n: int) -> list[str]:
                return [
                    str(o.trace.final_deployment_id)
                    for o in [await built.call(list(MESSAGES)) for _ in range(n)]
                ]

            slow = await picks(8)
            server.answer("model-a", delay_s=0.0)
            fast = await picks(5)
            clock.shift = TTL_S + 1
            later = await picks(6)
    return slow, fast, later


def test_live_a_once_slow_deployment_is_tried_again_after_the_ttl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow, fast, later = asyncio.run(live_picks(monkeypatch))
    # both start with no samples: "a" may be tried before its first (logged after the answer)
    # slow sample is in, then it is shunned
    assert slow[-4:] == ["b"] * 4
    assert fast == ["b"] * 5  # fast now, but its slow samples still stand
    assert later.count("a") >= 4  # the history expired: "a" is tried again, and it is faster


def test_simulated_a_once_slow_deployment_is_tried_again_after_the_ttl() -> None:
    """2 simulated hours: "a" slow (+2 s) for its first 10 minutes, then faster than "b"."""
    plan = InjectionPlan(latency={"a": LatencyRule(10), "b": LatencyRule(50)})
    request = SimulationRequest(
        0,
        0,
        seed=3,
        traffic=TrafficSpec(0.25, 2 * 3600),
        incidents=(Incident("a", 0, 600, failure_rate=0.0, added_latency_ms=2000),),
        plan=plan,
    )
    deployments = {m: make_deployment(m) for m in "ab"}
    summary, traces, _ = simulate(GROUP, deployments, request)
    on_a = [
        attempt.started_at_ms / 1000
        for trace in traces
        for attempt in trace.attempts
        if attempt.deployment_id == "a"
    ]
    assert summary.total_requests == 1800
    # as live, shunned once its first slow sample is in (a request that arrives before it still
    # finds "a" unsampled)
    assert 1 <= len([t for t in on_a if t < 120]) <= 2
    assert not [t for t in on_a if 120 <= t < TTL_S]  # shunned for the rest of the hour
    after = [t for t in on_a if t >= TTL_S]
    assert after, "the once-slow deployment never got traffic again"
    assert after[0] < TTL_S + 2 * 4  # within the first two requests after the TTL (one per 4 s)
    assert len(after) >= 0.9 * 900  # and, faster, it serves nearly all of the second hour
