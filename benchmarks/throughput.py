"""Mock simulation throughput: this project's engine against a bare `Router.acompletion` loop.

Both run the user story's three-tier failover with litellm's `mock_response`, the same number
of requests and the same number in flight, in the same process, alternating rounds so machine
load hits both alike; each reports its best round.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from typing import Any, cast

from litellm.router import Router

from benchmarks.story import (
    DEPLOYMENTS,
    MESSAGES,
    MODEL_IDS,
    bare_failover_router_kwargs,
    failover_group,
)
from gql_server.core.domain.injection import FailureRule, InjectionPlan
from gql_server.core.domain.models import ErrorKind
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, TraceStatus
from gql_server.core.litellm_adapter.install import install
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.tracing import DeploymentLabel
from gql_server.core.routing.tester import RoutedGroup
from gql_server.core.simulation.engine import run_simulation
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary

install()  # the process's litellm set-up, as the app and the simulation worker do

WARM_UP = 20


@dataclass(frozen=True)
class Throughput:
    label: str
    requests: int
    attempts: int
    seconds: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def attempts_per_s(self) -> float:
        return self.attempts / self.seconds


async def bare_loop(count: int, concurrency: int) -> Throughput:
    router = Router(**bare_failover_router_kwargs())
    try:
        await _pool(router, WARM_UP, concurrency)
        started = time.perf_counter()
        await _pool(router, count, concurrency)
        return Throughput("bare Router.acompletion loop", count, count, _since(started))
    finally:
        router.retire()


async def _pool(router: Router, count: int, concurrency: int) -> None:
    remaining = iter(range(count))

    async def worker() -> None:
        for _ in remaining:
            await router.acompletion(model="tier1", messages=cast(Any, MESSAGES))

    await asyncio.gather(*(worker() for _ in range(concurrency)))


async def built_call_loop(count: int, concurrency: int, plan: InjectionPlan) -> Throughput:
    """The same built Router and per-request tracing, without the engine: isolates what the
    engine (workers, queue, batches, stats) costs from what routing and tracing cost."""
    built = build_router(failover_group(), DEPLOYMENTS, mock=True, plan=plan, lean=True)
    remaining = iter(range(WARM_UP + count))

    async def worker() -> None:
        for index in remaining:
            await built.call(MESSAGES, request_index=index)

    try:
        for _ in range(WARM_UP):
            await built.call(MESSAGES, request_index=next(remaining))
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Throughput("BuiltRouter.call loop, lean", count, count, _since(started))
    finally:
        built.close()


async def engine(
    count: int, concurrency: int, plan: InjectionPlan, label: str, *, lean: bool = True
) -> Throughput:
    built = build_router(failover_group(), DEPLOYMENTS, mock=True, plan=plan, lean=lean)
    try:
        await _simulate(built, WARM_UP, concurrency, plan)
        started = time.perf_counter()
        summary = await _simulate(built, count, concurrency, plan)
        attempts = sum(row.request_count for row in summary.traffic_distribution)
        return Throughput(label, summary.total_requests, attempts, _since(started))
    finally:
        built.close()


async def _simulate(
    built: RoutedGroup, count: int, concurrency: int, plan: InjectionPlan
) -> SimulationSummary:
    request = SimulationRequest(num_requests=count, concurrency=concurrency, plan=plan)
    async for event in run_simulation(built, request, simulation_id="bench"):
        if isinstance(event, SimulationSummary):
            return event
    raise RuntimeError("the simulation ended without a summary")


def _since(started: float) -> float:
    return time.perf_counter() - started


NO_FAILURES = InjectionPlan(seed=1)
STORY_FAILURES = InjectionPlan(
    failures={
        "nebius-llama-3.3-70b": FailureRule(0.5, ErrorKind.RATE_LIMIT),
        "fireworks-llama-v3p3-70b": FailureRule(0.2, ErrorKind.SERVER_ERROR),
    },
    seed=1,
)


@dataclass(frozen=True)
class Comparison:
    best: list[Throughput]  # best round of each configuration, the bare loop first
    engine_vs_bare: list[float]  # per round: lean engine req/s / bare loop req/s, run back to back

    @property
    def median_ratio(self) -> float:
        return statistics.median(self.engine_vs_bare)


async def compare(count: int = 3000, concurrency: int = 50, rounds: int = 3) -> Comparison:
    """Rounds of: the bare loop, the lean engine (back to back, so machine load hits both
    alike), the built Router called in a loop, the engine without lean mode, and the engine on
    the story's 50%/20% failures. Without failures every request is one attempt on tier 1."""
    runs: dict[str, list[Throughput]] = {}
    ratios: list[float] = []
    for _ in range(rounds):
        bare = await bare_loop(count, concurrency)
        lean = await engine(count, concurrency, NO_FAILURES, "engine, lean")
        ratios.append(lean.requests_per_s / bare.requests_per_s)
        for result in (
            bare,
            lean,
            await built_call_loop(count, concurrency, NO_FAILURES),
            await engine(count, concurrency, NO_FAILURES, "engine, not lean", lean=False),
            # a third of the requests: failed attempts cost litellm far more than answers
            await engine(count // 3, concurrency, STORY_FAILURES, "engine, lean, story failures"),
        ):
            runs.setdefault(result.label, []).append(result)
    best = [max(results, key=lambda r: r.requests_per_s) for results in runs.values()]
    return Comparison(best, ratios)


@dataclass(frozen=True)
class _Answer:
    response: Any
    error: BaseException | None
    trace: RequestTrace


class _InstantGroup:
    """A routed group that answers at once: what is left is the engine's own cost."""

    def __init__(self) -> None:
        self.group = failover_group()
        self.tiers = [[model_id] for model_id in MODEL_IDS]
        self.labels = {m: DeploymentLabel(m, "bench", n) for n, m in enumerate(MODEL_IDS)}
        self._attempt = AttemptTrace(MODEL_IDS[0], "bench", "bench", 1.0, TraceStatus.SUCCESS)
        self.injection_seed: int | None = None

    def cooldown_spans(self) -> tuple[()]:
        return ()

    async def call(self, messages: list[dict[str, str]], *, request_index: int = 0) -> _Answer:
        await asyncio.sleep(0)
        trace = RequestTrace(request_index, True, 1.0, MODEL_IDS[0], (self._attempt,))
        return _Answer(None, None, trace)


async def engine_overhead_us(count: int = 50_000, concurrency: int = 50) -> float:
    """Microseconds per request the engine adds over a bare worker loop on an instant group."""
    group = _InstantGroup()
    started = time.perf_counter()
    await _simulate(group, count, concurrency, InjectionPlan())
    with_engine = _since(started)
    remaining = iter(range(count))

    async def worker() -> None:
        for index in remaining:
            await group.call([], request_index=index)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return (with_engine - _since(started)) / count * 1e6
