"""Simulated traffic through a routing group's Router, streamed as it happens.

A fixed pool of `concurrency` workers pulls request indices and calls the Router; finished
traces go through a bounded queue (workers wait when the consumer is slow) to the stream,
which yields `SimulationProgress` batches (the requests finished since the last batch; a batch
closes `batch_interval_s` after its first request or at `batch_max` requests) and then exactly
one `SimulationSummary`.

Stopping:
  * `SimulationRun.stop(reason)` (or setting the `StopSignal` given to `run_simulation`): the
    workers are cancelled at once (requests in flight are dropped), the requests already
    finished are flushed, and the stream ends with a summary whose `cancelled` is True.
  * the consumer leaving (`aclose()`, `break`, or its task being cancelled): the workers are
    cancelled and awaited before the stream closes; no summary, no task left behind.

Reproducibility: the outcome of every attempt is drawn from (seed, request index, deployment,
attempt), so with a seed, priority failover and cooldowns off the counts and flow are the same
on every run regardless of timing. Latencies are whatever the Router's traces measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import dataclasses
import random
import time
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Collection,
    Sequence,
)
from dataclasses import dataclass
from datetime import UTC, datetime

from gql_server.core.domain.models import Strategy
from gql_server.core.domain.scenario import (
    DEFAULT_TIMELINE_BUCKETS,
    MAX_SIMULATED_SECONDS,
    SIMULATED_EPOCH,
    SimulationClock,
)
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.run_context import RunContext, current_run
from gql_server.core.litellm_adapter.state.usage_minutes import start_run_at
from gql_server.core.litellm_adapter.virtual_clock import is_virtual
from gql_server.core.routing.tester import RoutedGroup, chat_messages
from gql_server.core.simulation.replay import replay_report
from gql_server.core.simulation.request import (
    SimulationRequest,
    arrival_times,
    validate_simulation_request,
)
from gql_server.core.simulation.stats import (
    CooldownEvent,
    DeploymentRef,
    SimulationSummary,
    TrafficAccumulator,
)
from gql_server.core.simulation.stop_signal import StopSignal
from gql_server.core.simulation.timeline import Timeline

CAPPED_REASON = (
    f"reached the cap of {MAX_SIMULATED_SECONDS:,.0f} simulated seconds (24 hours): "
    "requests still in flight were dropped and no more were started"
)


def capped_reason(cap_s: float) -> str:
    if cap_s >= MAX_SIMULATED_SECONDS:
        return CAPPED_REASON
    return (
        f"reached this caller's cap of {cap_s:,.0f} simulated seconds: "
        "requests still in flight were dropped and no more were started"
    )


@dataclass(frozen=True)
class SimulationProgress:
    simulation_id: str
    completed: int
    total: int
    requests: list[RequestTrace]  # the requests finished since the previous progress event
    simulated_ms: float = 0.0  # the run's clock when the batch closed (ms since it started)


SimulationEvent = SimulationProgress | SimulationSummary


class SimulationRun:
    """One simulation. Iterate it once (`async for event in run`); `stop()` ends it early."""

    def __init__(
        self,
        built: RoutedGroup,
        request: SimulationRequest,
        *,
        simulation_id: str,
        deployments: Sequence[DeploymentRef] | None = None,
        batch_interval_s: float = 0.05,
        batch_max: int = 200,
    ) -> None:
        if batch_max < 1 or batch_interval_s < 0:
            raise ValueError("batch_max must be >= 1 and batch_interval_s >= 0")
        self.simulation_id = simulation_id
        self._built = built
        self._request = request
        self._deployments = deployments
        self._batch_interval_s = batch_interval_s
        self._batch_max = batch_max
        self._messages: list[dict[str, str]] = []
        self._next_index = 0
        self._live_workers = 0
        self._stopping = False
        self._started = False
        self._wake = asyncio.Event()
        self._origin = 0.0
        self._requests: set[asyncio.Task[None]] = set()  # open loop: requests in flight
        self._failure: BaseException | None = None
        self._capped = False  # stopped at MAX_SIMULATED_SECONDS of the run's clock
        self._stop_reason: str | None = None

    def stop(self, reason: str | None = None) -> None:
        """Finish early: flush what finished, then one summary with `cancelled=True` (and
        `stopped_reason`, the first reason given, if any)."""
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stopping = True
        self._wake.set()

    def _reach_cap(self) -> None:
        """A run covers at most MAX_SIMULATED_SECONDS of its clock: open-loop schedules are
        validated to fit, but a closed loop (or a long tail of retries) could run on and on."""
        if not self._stopping:
            self._capped = True
            self.stop()

    def __aiter__(self) -> AsyncIterator[SimulationEvent]:
        return self.events()

    async def events(self) -> AsyncGenerator[SimulationEvent, None]:
        if self._started:
            raise RuntimeError("a SimulationRun can be iterated only once")
        self._started = True
        group = self._built.group
        request = self._request
        validate_simulation_request(request, [d.model_id for d in group.deployments])
        self._messages = chat_messages(request.messages)
        listed = self._deployments_listed()
        accumulator = TrafficAccumulator(deployments=listed, primary_ids=self._primary_ids())
        loop = asyncio.get_running_loop()
        self._origin = loop.time()
        seed = self._seed()
        arrivals = None if request.traffic is None else arrival_times(request.traffic, seed)
        replay = request.replay
        if replay is not None:
            arrivals = [recorded.at_s for recorded in replay.requests]
        replayed: dict[int, str | None] = {}
        total = request.num_requests if arrivals is None else len(arrivals)
        timeline = Timeline([d.deployment_id for d in listed], width_ms=self._bucket_ms(request))
        queue: asyncio.Queue[RequestTrace] = asyncio.Queue(
            maxsize=max(2 * self._batch_max, request.concurrency)
        )
        # Every task of the run sees the run: its clock origin and its own random generator
        # (which litellm draws from, and its rpm/tpm minutes follow: litellm_adapter.install).
        start_at = self._start_at(loop)
        start_run_at(start_at, self._origin)
        context = contextvars.copy_context()
        context.run(current_run.set, RunContext(self._origin, random.Random(seed)))  # noqa: S311
        started = time.perf_counter()
        if arrivals is None:
            # A context each: a context variable one worker's request sets (litellm's, ours)
            # must not show in another's, as it would in a context the workers shared.
            workers = [
                asyncio.create_task(
                    self._work(queue),
                    name=f"simulation {self.simulation_id} #{n}",
                    context=context.copy(),
                )
                for n in range(min(request.concurrency, total))
            ]
        else:
            workers = [
                asyncio.create_task(
                    self._schedule(queue, arrivals),
                    name=f"simulation {self.simulation_id} schedule",
                    context=context,
                )
            ]
        self._live_workers = len(workers)
        cap_s = min(self._request.max_simulated_s, MAX_SIMULATED_SECONDS)
        cap = loop.call_at(self._origin + cap_s, self._reach_cap)
        try:
            # aclosing: a left-behind inner generator would be finalised later, in a new task.
            async with contextlib.aclosing(self._batches(queue, workers)) as batches:
                async for batch in batches:
                    accumulator.add_all(batch)
                    for trace in batch:
                        timeline.add(trace)
                        if replay is not None:
                            replayed[trace.request_index] = trace.final_deployment_id
                    yield SimulationProgress(
                        self.simulation_id,
                        accumulator.total_requests,
                        total,
                        batch,
                        simulated_ms=(loop.time() - self._origin) * 1000,
                    )
            duration_ms = (time.perf_counter() - started) * 1000
            simulated_ms = (loop.time() - self._origin) * 1000
            cooldowns = self._cooldown_events(loop.time())
            summary = accumulator.summary(
                self.simulation_id,
                duration_ms=duration_ms,
                cancelled=accumulator.total_requests < total,
            )
            yield dataclasses.replace(
                summary,
                clock=SimulationClock.VIRTUAL if is_virtual(loop) else SimulationClock.WALL,
                simulated_duration_ms=simulated_ms,
                timeline=timeline.buckets(simulated_ms, cooldowns),
                cooldowns=cooldowns,
                total_cost_usd=accumulator.total_cost_usd,
                seed=seed,
                stopped_reason=capped_reason(cap_s) if self._capped else self._stop_reason,
                start_at=start_at,
                gateway_overhead_ms=request.injection_plan().gateway_overhead_ms,
                gateway_overhead_source=request.gateway_overhead_source,
                latency_sources=list(request.latency_sources),
                replay=(
                    None
                    if replay is None
                    else replay_report(
                        replay, replayed, listed, [d.model_id for d in group.deployments]
                    )
                ),
            )
        finally:
            cap.cancel()
            await _cancel_all([*workers, *self._requests])

    def _seed(self) -> int:
        """The seed the run uses for everything: asked for, or the injector's, or a fresh one."""
        request = self._request
        if request.seed is not None:
            return request.seed
        if request.plan.seed is not None:
            return request.plan.seed
        injected = self._built.injection_seed
        if injected is not None:
            return injected
        return random.SystemRandom().getrandbits(63)

    def _start_at(self, loop: asyncio.AbstractEventLoop) -> datetime:
        """The wall time the run's clock starts at: now on the wall clock; on a virtual clock
        the request's (a service settles it), else SIMULATED_EPOCH, the same on every run."""
        if not is_virtual(loop):
            return datetime.now(UTC)
        return self._request.start_at or SIMULATED_EPOCH

    @staticmethod
    def _bucket_ms(request: SimulationRequest) -> float | None:
        if request.timeline_bucket_s is not None:
            return request.timeline_bucket_s * 1000
        if request.traffic is not None:
            return request.traffic.duration_seconds * 1000 / DEFAULT_TIMELINE_BUCKETS
        if request.replay is not None:
            return request.replay.window.duration_s * 1000 / DEFAULT_TIMELINE_BUCKETS
        return None

    def _cooldown_events(self, now: float) -> list[CooldownEvent]:
        return [
            CooldownEvent(
                deployment_id=span.deployment_id,
                start_ms=(span.start - self._origin) * 1000,
                end_ms=(span.end - self._origin) * 1000 if span.end <= now else None,
            )
            for span in self._built.cooldown_spans()
        ]

    async def _schedule(
        self, queue: asyncio.Queue[RequestTrace], arrivals: Sequence[float]
    ) -> None:
        """Open loop: start each request at its arrival time, whatever is still in flight."""
        loop = asyncio.get_running_loop()
        try:
            for index, at_s in enumerate(arrivals):
                if self._stopping:
                    break
                delay = self._origin + at_s - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.create_task(self._one(queue, index))
                self._requests.add(task)
                self._live_workers += 1
                task.add_done_callback(self._requests.discard)
        finally:
            self._live_workers -= 1
            self._wake.set()

    async def _one(self, queue: asyncio.Queue[RequestTrace], index: int) -> None:
        try:
            await self._deliver(queue, index)
        except Exception as exc:  # a bug below the engine: end the stream with it
            self._failure = exc
        finally:
            self._live_workers -= 1
            self._wake.set()

    async def _deliver(self, queue: asyncio.Queue[RequestTrace], index: int) -> None:
        # a copy each: litellm may add to a request's messages in place
        messages = [dict(m) for m in self._messages]
        result = await self._built.call(messages, request_index=index)
        trace = result.trace
        if trace.finished_at_ms is None:
            trace = dataclasses.replace(trace, finished_at_ms=time.time() * 1000)
        await queue.put(trace)
        self._wake.set()

    def _deployments_listed(self) -> Sequence[DeploymentRef]:
        if self._deployments is not None:
            return self._deployments
        return [
            DeploymentRef(model_id, label.name, label.provider)
            for model_id, label in self._built.labels.items()
        ]

    def _primary_ids(self) -> Collection[str] | None:
        if self._built.group.strategy is Strategy.PRIORITY_FAILOVER and self._built.tiers:
            return frozenset(self._built.tiers[0])
        return None

    async def _batches(
        self, queue: asyncio.Queue[RequestTrace], workers: list[asyncio.Task[None]]
    ) -> AsyncGenerator[list[RequestTrace], None]:
        loop = asyncio.get_running_loop()
        # A batch closes after `batch_interval_s` of wall time: on a virtual clock the loop's
        # time says nothing about when a watcher should see the next batch.
        virtual = is_virtual(loop)
        now = time.monotonic if virtual else loop.time
        batch: list[RequestTrace] = []
        deadline = 0.0
        while True:
            _raise_worker_error(workers)
            if self._failure is not None:
                raise RuntimeError("a simulation worker failed") from self._failure
            if self._stopping:
                # Cancel first so no attempt starts while the last batch is flushed.
                await _cancel_all([*workers, *self._requests])
            while len(batch) < self._batch_max and not queue.empty():
                if not batch:
                    deadline = now() + self._batch_interval_s
                batch.append(queue.get_nowait())
            finished = queue.empty() and (self._live_workers == 0 or self._stopping)
            due = len(batch) >= self._batch_max or now() >= deadline
            if batch and (due or finished):
                yield batch
                batch = []
                continue
            if finished:
                return
            self._wake.clear()
            if not queue.empty():
                continue
            timeout = max(0.0, deadline - now()) if batch and not virtual else None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

    async def _work(self, queue: asyncio.Queue[RequestTrace]) -> None:
        try:
            while not self._stopping and self._next_index < self._request.num_requests:
                index = self._next_index
                self._next_index += 1
                await self._deliver(queue, index)
        finally:
            self._live_workers -= 1
            self._wake.set()


def _raise_worker_error(workers: Sequence[asyncio.Task[None]]) -> None:
    """A worker only dies of an error below the engine (a bug): end the stream with it."""
    for worker in workers:
        if worker.done() and not worker.cancelled() and worker.exception() is not None:
            raise RuntimeError("a simulation worker failed") from worker.exception()


async def _cancel_all(tasks: Sequence[asyncio.Task[None]]) -> None:
    pending = [t for t in tasks if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    for task in tasks:  # retrieved, so asyncio does not log it as never retrieved
        if not task.cancelled():
            task.exception()


async def run_simulation(
    built: RoutedGroup,
    request: SimulationRequest,
    *,
    simulation_id: str,
    deployments: Sequence[DeploymentRef] | None = None,
    batch_interval_s: float = 0.05,
    batch_max: int = 200,
    stop: StopSignal | None = None,
) -> AsyncGenerator[SimulationEvent, None]:
    """Progress batches, then exactly one summary (unless the consumer leaves first).

    Setting `stop` ends the run early with a `cancelled=True` summary that says why.
    `deployments` lists the group's deployments (names, providers) so unused ones appear in
    the distribution; by default the built Router's labels, in tier order.
    Raises ValidationError (on first iteration) when the request is out of bounds.
    """
    run = SimulationRun(
        built,
        request,
        simulation_id=simulation_id,
        deployments=deployments,
        batch_interval_s=batch_interval_s,
        batch_max=batch_max,
    )
    if stop is not None:
        stop.attach(run.stop)
    async with contextlib.aclosing(run.events()) as events:
        async for event in events:
            yield event
