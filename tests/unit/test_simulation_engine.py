"""The simulation engine against a small hand-written stand-in for a built Router."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from gql_server.core.domain.errors import ValidationError
from gql_server.core.domain.injection import FailureRule, InjectionPlan, LatencyRule
from gql_server.core.domain.models import ErrorKind, GroupDeployment, RoutingGroup, Strategy
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, TraceStatus
from gql_server.core.litellm_adapter.state.run_cooldowns import CooldownSpan
from gql_server.core.litellm_adapter.tracing import DeploymentLabel
from gql_server.core.simulation.engine import SimulationProgress, SimulationRun, run_simulation
from gql_server.core.simulation.request import SimulationRequest, validate_simulation_request
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.core.simulation.stop_signal import StopSignal

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def failover_group(*model_ids: str, name: str = "failover") -> RoutingGroup:
    return RoutingGroup(
        name=name,
        strategy=Strategy.PRIORITY_FAILOVER,
        deployments=tuple(
            GroupDeployment(model_id=m, priority=i + 1) for i, m in enumerate(model_ids)
        ),
        group_id=f"g-{name}",
        version=1,
        created_at=NOW,
        created_by="test",
        updated_at=NOW,
        updated_by="test",
    )


@dataclass(frozen=True)
class Outcome:
    response: Any
    error: BaseException | None
    trace: RequestTrace


@dataclass
class FakeFailover:
    """Walks the tiers in order; each attempt fails with the plan's seeded probability."""

    group: RoutingGroup
    plan: InjectionPlan = field(default_factory=InjectionPlan)
    gate: asyncio.Event | None = None  # when set up, every call waits for it
    calls: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    saturated: asyncio.Event = field(default_factory=asyncio.Event)
    saturated_at: int = 0  # `saturated` is set once this many calls are in flight at once

    @property
    def tiers(self) -> list[list[str]]:
        return [[d.model_id] for d in self.group.deployments]

    @property
    def labels(self) -> dict[str, DeploymentLabel]:
        return {
            model_id: DeploymentLabel(model_id.title(), model_id.split("-")[0], depth)
            for depth, (model_id,) in enumerate(self.tiers)
        }

    @property
    def injection_seed(self) -> int | None:
        return None  # draws its own failures from the plan, not a litellm injector

    def cooldown_spans(self) -> Sequence[CooldownSpan]:
        return ()

    async def call(self, messages: list[dict[str, str]], *, request_index: int = 0) -> Outcome:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.saturated_at and self.in_flight >= self.saturated_at:
            self.saturated.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(0)
            return self._route(request_index)
        finally:
            self.in_flight -= 1

    def _route(self, request_index: int) -> Outcome:
        attempts: list[AttemptTrace] = []
        for depth, (model_id,) in enumerate(self.tiers):
            rng = random.Random(f"{self.plan.seed}:{request_index}:{model_id}")
            rule = self.plan.failures.get(model_id)
            latency = self.plan.latency.get(model_id, LatencyRule(10.0))
            failed = rule is not None and rng.random() < rule.failure_rate
            attempts.append(
                AttemptTrace(
                    deployment_id=model_id,
                    deployment_name=model_id.title(),
                    provider=model_id.split("-")[0],
                    latency_ms=latency.mean_ms,
                    status=TraceStatus.ERROR if failed else TraceStatus.SUCCESS,
                    fallback_depth=depth,
                    error_kind=rule.error_kind if failed and rule else None,
                )
            )
            if not failed:
                break
        success = attempts[-1].status is TraceStatus.SUCCESS
        trace = RequestTrace(
            request_index=request_index,
            success=success,
            latency_ms=sum(a.latency_ms for a in attempts),
            final_deployment_id=attempts[-1].deployment_id if success else None,
            attempts=tuple(attempts),
        )
        return Outcome(None, None if success else RuntimeError("all failed"), trace)


def seeded_plan(seed: int = 7) -> InjectionPlan:
    return InjectionPlan(
        failures={
            "nebius-1": FailureRule(0.5, ErrorKind.RATE_LIMIT),
            "fireworks-1": FailureRule(0.2, ErrorKind.SERVER_ERROR),
        },
        seed=seed,
    )


def three_tier_fake(seed: int = 7) -> FakeFailover:
    return FakeFailover(failover_group("nebius-1", "fireworks-1", "azure-1"), seeded_plan(seed))


async def collect(
    events: Any,
) -> tuple[list[SimulationProgress], list[SimulationSummary]]:
    progress: list[SimulationProgress] = []
    summaries: list[SimulationSummary] = []
    async for event in events:
        if isinstance(event, SimulationSummary):
            summaries.append(event)
        else:
            assert not summaries, "nothing may follow the summary"
            progress.append(event)
    return progress, summaries


async def test_streams_every_request_once_in_bounded_batches_then_one_summary() -> None:
    fake = three_tier_fake()
    request = SimulationRequest(num_requests=500, concurrency=20, plan=fake.plan)

    progress, summaries = await collect(
        run_simulation(fake, request, simulation_id="sim-1", batch_max=50)
    )

    indices = [r.request_index for p in progress for r in p.requests]
    assert sorted(indices) == list(range(500))
    assert all(1 <= len(p.requests) <= 50 for p in progress)
    assert [p.completed for p in progress] == sorted({p.completed for p in progress})
    assert progress[-1].completed == 500 and all(p.total == 500 for p in progress)
    assert all(r.finished_at_ms is not None for p in progress for r in p.requests)
    [summary] = summaries
    assert summary.simulation_id == "sim-1"
    assert summary.total_requests == 500 and not summary.cancelled
    assert summary.successful_requests + summary.failed_requests == 500
    streamed_ok = sum(r.success for p in progress for r in p.requests)
    assert summary.successful_requests == streamed_ok


async def test_never_more_requests_in_flight_than_the_concurrency() -> None:
    fake = three_tier_fake()
    request = SimulationRequest(num_requests=300, concurrency=7, plan=fake.plan)

    await collect(run_simulation(fake, request, simulation_id="s"))

    assert fake.calls == 300
    assert fake.max_in_flight == 7


async def test_summary_reflects_the_routing_of_the_seeded_plan() -> None:
    fake = three_tier_fake()
    request = SimulationRequest(num_requests=1000, concurrency=50, plan=fake.plan)

    _, [summary] = await collect(run_simulation(fake, request, simulation_id="s"))

    by_id = {s.deployment_id: s for s in summary.traffic_distribution}
    assert by_id["nebius-1"].request_count == 1000
    assert by_id["fireworks-1"].request_count == by_id["nebius-1"].failure_count
    assert by_id["azure-1"].request_count == by_id["fireworks-1"].failure_count
    assert 450 <= by_id["fireworks-1"].request_count <= 550  # 50% of 1000, seeded
    assert [s.was_primary for s in summary.traffic_distribution] == [True, False, False]
    assert summary.failed_requests == 0  # Azure has no injected failures


async def test_same_seed_gives_the_same_summary_and_another_seed_does_not() -> None:
    async def summary_for(seed: int) -> SimulationSummary:
        fake = three_tier_fake(seed)
        request = SimulationRequest(num_requests=400, concurrency=30, plan=fake.plan)
        _, [summary] = await collect(run_simulation(fake, request, simulation_id="s"))
        # on the wall clock the run's start, duration (and so its timeline's length) is timing
        return replace(
            summary, duration_ms=0.0, simulated_duration_ms=0.0, timeline=[], start_at=None
        )

    first, second, other = await summary_for(1), await summary_for(1), await summary_for(2)

    assert first == second
    assert first != other


async def test_a_slow_consumer_holds_the_workers_back() -> None:
    fake = three_tier_fake()
    request = SimulationRequest(num_requests=10_000, concurrency=5, plan=fake.plan)
    events = run_simulation(fake, request, simulation_id="s", batch_max=10)

    await anext(events)
    for _ in range(200):  # let the workers run as far as they can without a reader
        await asyncio.sleep(0)
    calls_while_paused = fake.calls
    await events.aclose()

    # queue (2 x batch_max) + one batch being assembled + the workers' own requests
    assert calls_while_paused <= 2 * 10 + 10 + 10 + 5


async def test_closing_the_stream_cancels_every_worker_and_starts_no_more_calls() -> None:
    fake = three_tier_fake()
    fake.gate = asyncio.Event()
    request = SimulationRequest(num_requests=5000, concurrency=40, plan=fake.plan)
    tasks_before = asyncio.all_tasks()
    events = run_simulation(fake, request, simulation_id="s", batch_max=20)
    first = asyncio.ensure_future(anext(events))
    await asyncio.sleep(0)
    fake.gate.set()
    await first
    await events.aclose()
    calls_at_close = fake.calls

    for _ in range(50):
        await asyncio.sleep(0)

    assert fake.calls == calls_at_close < 5000
    assert fake.in_flight == 0
    assert asyncio.all_tasks() == tasks_before


async def test_cancelling_the_consuming_task_cancels_the_workers() -> None:
    fake = three_tier_fake()
    fake.gate = asyncio.Event()  # never set: every worker stays inside a call
    fake.saturated_at = 25
    request = SimulationRequest(num_requests=1000, concurrency=25, plan=fake.plan)
    tasks_before = asyncio.all_tasks()

    async def consume() -> None:
        await collect(run_simulation(fake, request, simulation_id="s"))

    consumer = asyncio.create_task(consume())
    await fake.saturated.wait()
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer

    assert fake.calls == 25
    assert fake.in_flight == 0
    assert asyncio.all_tasks() == tasks_before


async def test_stop_ends_with_a_cancelled_summary_of_the_requests_that_finished() -> None:
    fake = three_tier_fake()
    request = SimulationRequest(num_requests=20_000, concurrency=10, plan=fake.plan)
    run = SimulationRun(fake, request, simulation_id="s", batch_max=25)
    tasks_before = asyncio.all_tasks()

    progress: list[SimulationProgress] = []
    summaries: list[SimulationSummary] = []
    async for event in run:
        if isinstance(event, SimulationProgress):
            progress.append(event)
            run.stop()
        else:
            summaries.append(event)

    [summary] = summaries
    streamed = sum(len(p.requests) for p in progress)
    assert summary.cancelled
    assert summary.total_requests == streamed == progress[-1].completed
    assert streamed < 20_000
    assert fake.calls < 20_000
    assert sum(s.request_count for s in summary.traffic_distribution) >= streamed
    assert asyncio.all_tasks() == tasks_before


async def test_setting_the_stop_signal_stops_the_run_and_says_why() -> None:
    fake = three_tier_fake()
    stop = StopSignal()
    request = SimulationRequest(num_requests=20_000, concurrency=10, plan=fake.plan)
    summaries = []
    async for event in run_simulation(fake, request, simulation_id="s", stop=stop):
        stop.set("the server is shutting down")
        stop.set("a later reason")
        if isinstance(event, SimulationSummary):
            summaries.append(event)

    [summary] = summaries
    assert summary.cancelled and summary.total_requests < 20_000
    assert summary.stopped_reason == "the server is shutting down"


async def test_two_runs_at_once_keep_their_requests_apart() -> None:
    left = FakeFailover(failover_group("nebius-1", "azure-1", name="left"))
    right = FakeFailover(failover_group("fireworks-1", name="right"))

    (left_progress, [left_summary]), (right_progress, [right_summary]) = await asyncio.gather(
        collect(run_simulation(left, SimulationRequest(300, 10), simulation_id="L")),
        collect(run_simulation(right, SimulationRequest(200, 10), simulation_id="R")),
    )

    assert {a.deployment_id for p in left_progress for r in p.requests for a in r.attempts} == {
        "nebius-1"
    }
    assert {a.deployment_id for p in right_progress for r in p.requests for a in r.attempts} == {
        "fireworks-1"
    }
    assert (left_summary.total_requests, right_summary.total_requests) == (300, 200)
    assert {p.simulation_id for p in left_progress} == {"L"}


async def test_a_failing_router_call_ends_the_stream_with_the_error() -> None:
    class Broken(FakeFailover):
        async def call(self, messages: list[dict[str, str]], *, request_index: int = 0) -> Outcome:
            raise KeyError("bug")

    tasks_before = asyncio.all_tasks()
    broken = Broken(failover_group("nebius-1"))

    with pytest.raises(RuntimeError, match="worker failed") as raised:
        await collect(run_simulation(broken, SimulationRequest(100, 5), simulation_id="s"))

    assert isinstance(raised.value.__cause__, KeyError)
    assert asyncio.all_tasks() == tasks_before


GROUP_IDS = ["nebius-1", "fireworks-1"]


def test_a_sound_request_passes_validation() -> None:
    validate_simulation_request(
        SimulationRequest(100_000, 1_000, plan=seeded_plan()), ["nebius-1", "fireworks-1"]
    )


def test_validation_names_every_bad_field() -> None:
    plan = InjectionPlan(
        failures={
            "nebius-1": FailureRule(1.5),
            "ghost": FailureRule(-0.1),
        },
        latency={"fireworks-1": LatencyRule(-1.0, -2.0), "nowhere": LatencyRule(5.0)},
    )

    messages = ({"role": "user", "content": ""},)

    with pytest.raises(ValidationError) as raised:
        validate_simulation_request(
            SimulationRequest(0, 1001, plan=plan, messages=messages), GROUP_IDS
        )

    assert {e.field for e in raised.value.field_errors} == {
        "numRequests",
        "concurrency",
        "failureInjection[0].failureRate",
        "failureInjection[1].modelId",
        "failureInjection[1].failureRate",
        "latency[0].meanMs",
        "latency[0].jitterMs",
        "latency[1].modelId",
        "messages[0].content",
    }


@pytest.mark.parametrize(("num", "concurrency"), [(100_001, 1), (1, 0), (-5, 10)])
def test_request_bounds(num: int, concurrency: int) -> None:
    with pytest.raises(ValidationError):
        validate_simulation_request(SimulationRequest(num, concurrency), GROUP_IDS)


async def test_an_invalid_request_is_rejected_before_any_call() -> None:
    fake = three_tier_fake()
    with pytest.raises(ValidationError):
        await collect(run_simulation(fake, SimulationRequest(0, 5), simulation_id="s"))
    assert fake.calls == 0


def test_the_requests_seed_goes_into_the_injection_plan() -> None:
    request = SimulationRequest(10, 1, seed=99, plan=seeded_plan(seed=1))
    assert request.injection_plan().seed == 99
    assert request.injection_plan().failures == seeded_plan().failures
    assert SimulationRequest(10, 1, plan=seeded_plan(seed=1)).injection_plan().seed == 1
