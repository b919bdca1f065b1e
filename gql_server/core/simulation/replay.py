"""Replay: a simulation whose inputs come from the request log (core.domain.replay).

The run is an ordinary simulation: the same engine, virtual clock and Router. Only two inputs
change: request i starts at its recorded offset from the window's start with its recorded tokens,
and each attempt meets what `Replayer` answers for it. This module turns recorded requests into the
simulator's own shapes: traces, a timeline, and the report that puts the replay beside the record.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from gql_server.core.domain.replay import RecordedRequest, ReplaySource
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, TraceStatus
from gql_server.core.simulation.stats import (
    DeploymentRef,
    DeploymentTrafficStats,
    ReplayReport,
    TimelineBucket,
    TrafficAccumulator,
    percentile,
)
from gql_server.core.simulation.timeline import Timeline


def recorded_trace(index: int, recorded: RecordedRequest) -> RequestTrace:
    """A recorded request as the simulator's trace (times in ms since the window's start)."""
    attempts = tuple(
        AttemptTrace(
            deployment_id=a.deployment_id,
            deployment_name=a.deployment_id,
            provider="",
            latency_ms=a.latency_ms,
            status=TraceStatus.SUCCESS if a.error_kind is None else TraceStatus.ERROR,
            error_kind=a.error_kind,
            started_at_ms=a.at_s * 1000,
            retry_after_s=a.retry_after_s,
        )
        for a in recorded.attempts
    )
    return RequestTrace(
        request_index=index,
        success=recorded.success,
        latency_ms=recorded.latency_ms,
        final_deployment_id=recorded.final_deployment_id,
        attempts=attempts,
        started_at_ms=recorded.at_s * 1000,
    )


def recorded_timeline(
    source: ReplaySource, deployment_ids: Sequence[str], bucket_s: float
) -> list[TimelineBucket]:
    """The window as the simulator's timeline (no cooldown bands: the log does not keep them)."""
    timeline = Timeline(deployment_ids, width_ms=bucket_s * 1000)
    for index, recorded in enumerate(source.requests):
        timeline.add(recorded_trace(index, recorded))
    return timeline.buckets(source.window.duration_s * 1000)


def replay_report(
    source: ReplaySource,
    replayed_finals: Mapping[int, str | None],
    deployments: Sequence[DeploymentRef],
    group_deployment_ids: Iterable[str],
) -> ReplayReport:
    """What was recorded beside what the replay did; `replayed_finals`: request index -> the
    deployment it ended on (None: failed), for every replayed request."""
    accumulator = TrafficAccumulator(deployments=deployments, primary_ids=frozenset())
    costs: dict[str, float] = defaultdict(float)
    for index, recorded in enumerate(source.requests):
        accumulator.add(recorded_trace(index, recorded))
        if recorded.final_deployment_id is not None:
            costs[recorded.final_deployment_id] += recorded.cost_usd
    recorded_stats = [
        _with_cost(stats, costs.get(stats.deployment_id, 0.0))
        for stats in accumulator.summary(
            "recorded", duration_ms=0.0, cancelled=False
        ).traffic_distribution
    ]
    same = sum(
        1
        for index, final in replayed_finals.items()
        if 0 <= index < len(source.requests) and source.requests[index].final_deployment_id == final
    )
    latencies = sorted(r.latency_ms for r in source.requests)
    return ReplayReport(
        recorded_requests=len(source.requests),
        replayed_requests=len(replayed_finals),
        same_final_deployment=same / len(replayed_finals) if replayed_finals else 0.0,
        recorded=recorded_stats,
        recorded_cost_usd=math.fsum(r.cost_usd for r in source.requests),
        recorded_p50_latency_ms=percentile(latencies, 50) if latencies else None,
        recorded_p95_latency_ms=percentile(latencies, 95) if latencies else None,
        assumed_deployments=source.assumed(group_deployment_ids),
    )


def _with_cost(stats: DeploymentTrafficStats, cost: float) -> DeploymentTrafficStats:
    return dataclasses.replace(stats, cost_usd=cost)
