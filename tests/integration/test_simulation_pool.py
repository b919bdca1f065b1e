"""The worker pool's pipe (issue 18 item 4, issue 20 H): a worker that has run as far ahead of its
subscriber as it may waits for credit, and still obeys a stop at once.

Before, a worker ahead of a slow subscriber blocked its run's thread handing traces to a full
sender queue, so the server's stop on SIGTERM was only noticed when the `cancel` came 10 s later
and the cancelled summary was lost. Now the run's thread waits on the pipe itself: a stop is read
and obeyed while it waits."""

from __future__ import annotations

import asyncio
import pickle

import uvloop

from gql_server.core.domain.injection import InjectionPlan, LatencyRule
from gql_server.core.domain.models import GroupDeployment, Strategy
from gql_server.core.domain.scenario import Incident
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.services.simulation.pool import SimulationPool
from gql_server.services.simulation.worker import BATCH_MAX, SimulationJob
from tests.fakes import deployments_for, make_group
from tests.support.polling import eventually_async

WINDOW = 50
NEBIUS = "nebius-llama-3.3-70b"


class _Subscriber:
    """A run's sink that takes nothing until told: what a slow websocket client looks like."""

    def __init__(self) -> None:
        self.traces: list[RequestTrace] = []
        self.outcome: SimulationSummary | BaseException | None = None

    def push_many(self, traces: list[RequestTrace], simulated_ms: float) -> None:
        self.traces.extend(traces)

    def finish(self, outcome: SimulationSummary | BaseException) -> None:
        self.outcome = outcome

    async def admit_real_call(self) -> str | None:
        return None

    def used_tokens(self, tokens: int) -> None:
        pass


async def test_a_worker_waiting_for_credit_obeys_a_stop_at_once() -> None:
    group = make_group(Strategy.PRIORITY_FAILOVER, [GroupDeployment(model_id=NEBIUS, priority=1)])
    request = SimulationRequest(
        100_000, 4, seed=3, plan=InjectionPlan(latency={NEBIUS: LatencyRule(50)})
    )
    pool = SimulationPool(1, max_backlog=WINDOW)
    subscriber = _Subscriber()
    lease = pool.reserve()
    try:
        await lease.start(SimulationJob("s", group, deployments_for(group), request), subscriber)

        async def at_least(n: int) -> bool:
            return len(subscriber.traces) >= n

        await eventually_async(lambda: at_least(WINDOW), timeout=60)
        # Nothing taken: the worker sends at most one batch past its window, then waits.
        assert len(subscriber.traces) <= WINDOW + BATCH_MAX
        held = len(subscriber.traces)
        lease.consumed(held)  # the subscriber caught up: the run goes on
        await eventually_async(lambda: at_least(held + WINDOW), timeout=60)

        lease.stop("the server is shutting down")  # while it waits for credit again
        await eventually_async(lambda: _finished(subscriber), timeout=60)
        summary = subscriber.outcome
        assert isinstance(summary, SimulationSummary)
        assert summary.cancelled and summary.stopped_reason == "the server is shutting down"
        assert summary.total_requests == len(subscriber.traces)  # every trace came, none twice
        indices = [t.request_index for t in subscriber.traces]
        assert len(set(indices)) == len(indices)
    finally:
        await lease.release()
        await pool.close()


async def test_a_worker_sends_the_engines_batches_not_one_message_per_trace() -> None:
    """One pipe message (one server wake-up, one decode) carries a batch of up to BATCH_MAX
    traces gathered over the job's batch interval. Before, the worker asked the engine for no
    batching in time, so a full-speed run sent about one message per trace and end to end ran at
    0.58x the in-process engine (benchmarks.pipeline, 36,000 requests). Here the interval is an
    hour of wall time, so only BATCH_MAX closes a batch: 1,000 traces come in exactly 5 pushes."""
    group = make_group(Strategy.PRIORITY_FAILOVER, [GroupDeployment(model_id=NEBIUS, priority=1)])
    request = SimulationRequest(
        1_000, 8, seed=3, plan=InjectionPlan(latency={NEBIUS: LatencyRule(5)})
    )
    pool = SimulationPool(1, max_backlog=10_000)
    subscriber = _Subscriber()
    pushes: list[int] = []
    take = subscriber.push_many

    def counted(traces: list[RequestTrace], simulated_ms: float) -> None:
        pushes.append(len(traces))
        take(traces, simulated_ms)

    subscriber.push_many = counted  # type: ignore[method-assign]
    lease = pool.reserve()
    try:
        job = SimulationJob("b", group, deployments_for(group), request, batch_interval_s=3600)
        await lease.start(job, subscriber)
        await eventually_async(lambda: _finished(subscriber), timeout=120)
        assert isinstance(subscriber.outcome, SimulationSummary)
        assert subscriber.outcome.total_requests == 1_000 == sum(pushes)
        assert pushes == [BATCH_MAX] * (1_000 // BATCH_MAX)
    finally:
        await lease.release()
        await pool.close()


async def _finished(subscriber: _Subscriber) -> bool:
    await asyncio.sleep(0)
    return subscriber.outcome is not None


def test_a_job_larger_than_the_pipe_reaches_its_worker_on_uvloop() -> None:
    """The server runs on uvloop, whose `add_reader` makes the pipe non-blocking: a job larger
    than the socket's buffer (a replay of a few thousand recorded requests) failed to send,
    and the run was lost as "the simulation's worker process ended unexpectedly" (the bench's
    72,000-request replay, every time). Here a job of over 1 MB, on uvloop as in production."""
    group = make_group(Strategy.PRIORITY_FAILOVER, [GroupDeployment(model_id=NEBIUS, priority=1)])
    never = tuple(Incident(NEBIUS, 80_000 + i / 10, 80_000 + i / 10 + 0.05) for i in range(20_000))
    request = SimulationRequest(300, 8, seed=3, incidents=never)
    job = SimulationJob("big", group, deployments_for(group), request)
    assert len(pickle.dumps(job)) > 1_000_000

    async def scenario() -> SimulationSummary | BaseException | None:
        pool = SimulationPool(1)
        subscriber = _Subscriber()
        lease = pool.reserve()
        try:
            await lease.start(job, subscriber)
            await eventually_async(lambda: _finished(subscriber), timeout=120)
            return subscriber.outcome
        finally:
            await lease.release()
            await pool.close()

    outcome = uvloop.run(scenario())
    assert isinstance(outcome, SimulationSummary), outcome
    assert outcome.total_requests == 300
