"""Simulations through the real litellm Router (mock mode, seeded failure injection)."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from gql_server.core.domain.injection import FailureRule, InjectionPlan
from gql_server.core.domain.models import (
    CooldownConfig,
    Deployment,
    ErrorKind,
    GroupDeployment,
    RetryConfig,
    RoutingGroup,
    Strategy,
)
from gql_server.core.domain.traces import RequestTrace
from gql_server.core.litellm_adapter.built_router import BuiltRouter
from gql_server.core.litellm_adapter.router_builder import build_router
from gql_server.core.litellm_adapter.tracing import attempt_hooks
from gql_server.core.simulation.engine import SimulationProgress, SimulationRun, run_simulation
from gql_server.core.simulation.request import SimulationRequest
from gql_server.core.simulation.stats import SimulationSummary, flow_edges

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def our_tasks() -> set[asyncio.Task[Any]]:
    """Running tasks, less litellm's own background logging workers (not the engine's)."""
    return {t for t in asyncio.all_tasks() if "LoggingWorker" not in repr(t.get_coro())}


# The three providers of shared/examples/config.yaml.
DEPLOYMENTS = {
    d.model_id: d
    for d in (
        Deployment(
            model_id="nebius-llama-3.3-70b",
            model_name="llama-3.3-70b",
            litellm_model="nebius/meta-llama/Llama-3.3-70B-Instruct",
            provider="nebius",
            api_key="os.environ/NEBIUS_API_KEY",
            input_cost_per_token=0.00000013,
            output_cost_per_token=0.0000004,
        ),
        Deployment(
            model_id="fireworks-llama-v3p3-70b",
            model_name="llama-3.3-70b",
            litellm_model="fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct",
            provider="fireworks_ai",
            api_key="os.environ/FIREWORKS_AI_API_KEY",
            input_cost_per_token=0.0000009,
            output_cost_per_token=0.0000009,
        ),
        Deployment(
            model_id="azure-gpt-4o",
            model_name="gpt-4o",
            litellm_model="azure/gpt-4o",
            provider="azure",
            api_base="os.environ/AZURE_API_BASE",
            api_key="os.environ/AZURE_API_KEY",
            input_cost_per_token=0.0000025,
            output_cost_per_token=0.00001,
            extra_params={"api_version": "2024-10-21"},
        ),
    )
}
NEBIUS, FIREWORKS, AZURE = DEPLOYMENTS


def group(name: str, strategy: Strategy, *model_ids: str) -> RoutingGroup:
    failover = strategy is Strategy.PRIORITY_FAILOVER
    return RoutingGroup(
        name=name,
        strategy=strategy,
        deployments=tuple(
            GroupDeployment(model_id=m, priority=i + 1 if failover else None)
            for i, m in enumerate(model_ids)
        ),
        retry=RetryConfig(num_retries=0),
        # cooldown 0 switches cooldowns off: outcomes depend on the seed only, not on timing
        cooldown=CooldownConfig(allowed_fails=1000, cooldown_time_seconds=0),
        group_id=f"g-{name}",
        version=1,
        created_at=NOW,
        created_by="test",
        updated_at=NOW,
        updated_by="test",
    )


STORY_GROUP = group("story", Strategy.PRIORITY_FAILOVER, NEBIUS, FIREWORKS, AZURE)
STORY_PLAN = InjectionPlan(
    failures={
        NEBIUS: FailureRule(0.5, ErrorKind.RATE_LIMIT),
        FIREWORKS: FailureRule(0.2, ErrorKind.SERVER_ERROR),
    }
)


def story_router(request: SimulationRequest) -> BuiltRouter:
    return build_router(
        STORY_GROUP, DEPLOYMENTS, mock=True, plan=request.injection_plan(), lean=True
    )


async def run_all(
    built: BuiltRouter, request: SimulationRequest, simulation_id: str = "sim"
) -> tuple[list[RequestTrace], SimulationSummary]:
    traces: list[RequestTrace] = []
    summaries: list[SimulationSummary] = []
    try:
        async for event in run_simulation(built, request, simulation_id=simulation_id):
            if isinstance(event, SimulationProgress):
                traces.extend(event.requests)
            else:
                summaries.append(event)
    finally:
        built.close()
    [summary] = summaries
    return traces, summary


def without_timing(summary: SimulationSummary) -> SimulationSummary:
    """Counts and flow are seeded; measured latencies and duration are wall-clock."""
    zero: dict[str, Any] = {
        "avg_latency_ms": 0.0,
        "p50_latency_ms": 0.0,
        "p95_latency_ms": 0.0,
        "p99_latency_ms": 0.0,
        "duration_ms": 0.0,
        "simulated_duration_ms": 0.0,  # on the wall clock (these runs): timing
        "timeline": [],  # its buckets follow the wall-clock timing too
        "start_at": None,  # a wall-clock run starts now
    }
    return replace(
        summary,
        traffic_distribution=[replace(s, avg_latency_ms=0.0) for s in summary.traffic_distribution],
        **zero,
    )


async def test_the_user_story_failover_under_seeded_failures() -> None:
    request = SimulationRequest(num_requests=1000, concurrency=50, seed=42, plan=STORY_PLAN)

    traces, summary = await run_all(story_router(request), request)

    rows = {s.deployment_id: s for s in summary.traffic_distribution}
    assert [s.deployment_id for s in summary.traffic_distribution] == [NEBIUS, FIREWORKS, AZURE]
    assert rows[NEBIUS].request_count == 1000
    assert 450 <= rows[FIREWORKS].request_count <= 550  # 50% of 1000
    assert 70 <= rows[AZURE].request_count <= 130  # 20% of ~500
    assert rows[FIREWORKS].request_count == rows[NEBIUS].failure_count
    assert rows[AZURE].request_count == rows[FIREWORKS].failure_count
    assert summary.successful_requests == 1000 and summary.failed_requests == 0
    assert [s.was_primary for s in summary.traffic_distribution] == [True, False, False]
    assert rows[NEBIUS].deployment_name == "llama-3.3-70b" and rows[AZURE].provider == "azure"
    assert sorted(t.request_index for t in traces) == list(range(1000))
    kinds = {a.error_kind for t in traces for a in t.attempts if a.deployment_id == NEBIUS}
    assert kinds == {ErrorKind.RATE_LIMIT, None}


async def test_flow_data_matches_the_streamed_request_traces() -> None:
    request = SimulationRequest(num_requests=300, concurrency=20, seed=3, plan=STORY_PLAN)

    traces, summary = await run_all(story_router(request), request)

    expected = Counter(edge for trace in traces for edge in flow_edges(trace))
    flow = {
        (s.from_deployment, s.to_deployment, s.reason): s.request_count for s in summary.flow_data
    }
    assert flow == dict(expected)
    assert flow[(None, NEBIUS, "primary")] == 300
    assert flow[(NEBIUS, FIREWORKS, "fallback_rate_limit")] == sum(
        1 for t in traces if len(t.attempts) >= 2
    )
    assert flow[(FIREWORKS, AZURE, "fallback_server_error")] == sum(
        1 for t in traces if len(t.attempts) == 3
    )
    for row in summary.traffic_distribution:
        outflow = sum(
            s.request_count for s in summary.flow_data if s.from_deployment == row.deployment_id
        )
        assert outflow == row.request_count


async def test_the_same_seed_replays_the_same_simulation() -> None:
    request = SimulationRequest(num_requests=400, concurrency=40, seed=7, plan=STORY_PLAN)

    first_traces, first = await run_all(story_router(request), request)
    second_traces, second = await run_all(story_router(request), request)

    assert without_timing(first) == without_timing(second)

    def routes(traces: list[RequestTrace]) -> dict[int, list[str]]:
        return {t.request_index: [a.deployment_id for a in t.attempts] for t in traces}

    assert routes(first_traces) == routes(second_traces)


async def test_a_failure_everywhere_is_counted_as_failed_requests() -> None:
    plan = InjectionPlan(failures={d: FailureRule(1.0, ErrorKind.TIMEOUT) for d in DEPLOYMENTS})
    request = SimulationRequest(num_requests=20, concurrency=5, seed=1, plan=plan)

    traces, summary = await run_all(story_router(request), request)

    assert summary.failed_requests == 20 and summary.successful_requests == 0
    assert all(not t.success and t.final_deployment_id is None for t in traces)
    failed = [s for s in summary.flow_data if s.to_deployment is None]
    assert [(s.from_deployment, s.request_count, s.reason) for s in failed] == [
        (AZURE, 20, "failed")
    ]


async def test_stopping_after_the_first_batch_starts_no_more_requests() -> None:
    request = SimulationRequest(num_requests=5000, concurrency=20, seed=5, plan=STORY_PLAN)
    built = story_router(request)
    run = SimulationRun(built, request, simulation_id="stop-me", batch_max=20)
    tasks_before = our_tasks()
    summaries: list[SimulationSummary] = []
    try:
        async for event in run:
            run.stop()
            if isinstance(event, SimulationSummary):
                summaries.append(event)
    finally:
        built.close()

    [summary] = summaries
    assert summary.cancelled
    assert summary.total_requests < 5000
    assert sum(s.request_count for s in summary.traffic_distribution) < 5000
    assert attempt_hooks().active == 0  # no request of this run is still inside the Router
    assert our_tasks() == tasks_before


async def test_closing_the_stream_leaves_no_request_running() -> None:
    request = SimulationRequest(num_requests=5000, concurrency=30, seed=5, plan=STORY_PLAN)
    built = story_router(request)
    tasks_before = our_tasks()
    events = run_simulation(built, request, simulation_id="close-me")
    try:
        await anext(events)
        await events.aclose()
    finally:
        built.close()

    assert attempt_hooks().active == 0
    assert our_tasks() == tasks_before


async def test_two_groups_simulated_at_once_keep_their_traces_apart() -> None:
    shuffle = group("shuffle", Strategy.SIMPLE_SHUFFLE, FIREWORKS, AZURE)
    plan = InjectionPlan(failures={NEBIUS: FailureRule(0.5, ErrorKind.RATE_LIMIT)})
    story_request = SimulationRequest(300, 25, seed=1, plan=plan)
    shuffle_request = SimulationRequest(300, 25, seed=2)
    story = build_router(STORY_GROUP, DEPLOYMENTS, mock=True, plan=plan, lean=True)
    other = build_router(shuffle, DEPLOYMENTS, mock=True, plan=InjectionPlan(), lean=True)

    (story_traces, story_summary), (other_traces, other_summary) = await asyncio.gather(
        run_all(story, story_request, "A"), run_all(other, shuffle_request, "B")
    )

    story_hits = Counter(a.deployment_id for t in story_traces for a in t.attempts)
    other_hits = Counter(a.deployment_id for t in other_traces for a in t.attempts)
    assert story_hits[NEBIUS] == 300 and AZURE not in story_hits
    assert set(other_hits) == {FIREWORKS, AZURE} and other_hits.total() == 300
    assert all(len(t.attempts) == 1 for t in other_traces)
    assert story_summary.total_requests == other_summary.total_requests == 300
    other_rows = {s.deployment_id: s for s in other_summary.traffic_distribution}
    assert set(other_rows) == {FIREWORKS, AZURE}
    # the most frequent first choice of a shuffle is its primary
    busiest = max(other_rows.values(), key=lambda s: s.request_count)
    assert busiest.was_primary
