"""Types of the tester and the traffic simulator."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from gql_server.core.domain.scenario import SIMULATED_EPOCH
from gql_server.core.routing.tester import TestOutcome
from gql_server.core.simulation import stats
from gql_server.core.simulation.engine import SimulationProgress as DomainProgress
from gql_server.services.ports import SimulationRecord
from gql_server.services.simulation import service as services_simulations
from schema.enums import LatencyOrigin, SimulationClock
from schema.types import RequestTraceType, RoutingTrace


@strawberry.type(description="A simulation in progress on this instance (see activeSimulations).")
class RunningSimulation:
    simulation_id: strawberry.ID
    routing_group_id: strawberry.ID
    started_by: str = strawberry.field(description="The caller who started it (createdBy).")
    started_at: datetime
    completed: int = strawberry.field(description="Requests finished so far.")
    total: int = strawberry.field(description="Requests the run will make (expected, for traffic).")
    simulated_ms: float = strawberry.field(description="How far the run's clock has gone.")
    mock: bool

    @classmethod
    def from_domain(cls, r: services_simulations.RunningSimulation) -> RunningSimulation:
        return cls(
            simulation_id=strawberry.ID(r.simulation_id),
            routing_group_id=strawberry.ID(r.routing_group_id),
            started_by=r.started_by,
            started_at=r.started_at,
            completed=r.completed,
            total=r.total,
            simulated_ms=r.simulated_ms,
            mock=r.mock,
        )


@strawberry.type
class RoutingGroupTestResult:
    success: bool
    response_text: str | None
    traces: list[RoutingTrace]
    total_latency_ms: float
    final_deployment: str | None
    final_provider: str | None
    error_message: str | None = None

    @classmethod
    def from_domain(cls, o: TestOutcome) -> RoutingGroupTestResult:
        return cls(
            success=o.success,
            response_text=o.response_text,
            traces=[RoutingTrace.from_domain(a) for a in o.traces],
            total_latency_ms=o.total_latency_ms,
            final_deployment=o.final_deployment,
            final_provider=o.final_provider,
            error_message=o.error_message,
        )


@strawberry.type(description="A batch of requests that finished since the previous batch.")
class SimulationProgress:
    simulation_id: strawberry.ID
    completed: int
    total: int
    requests: list[RequestTraceType]
    simulated_ms: float = strawberry.field(description="The run's clock when the batch closed")

    @classmethod
    def from_domain(cls, p: DomainProgress) -> SimulationProgress:
        return cls(
            simulation_id=strawberry.ID(p.simulation_id),
            completed=p.completed,
            total=p.total,
            requests=[RequestTraceType.from_domain(r) for r in p.requests],
            simulated_ms=p.simulated_ms,
        )


@strawberry.type
class DeploymentTrafficStats:
    deployment_id: strawberry.ID
    deployment_name: str
    provider: str
    request_count: int
    success_count: int
    failure_count: int
    avg_latency_ms: float
    percent_of_total: float
    was_primary: bool
    cost_usd: float

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeploymentTrafficStats:
        return cls(
            **{
                **d,
                "deployment_id": strawberry.ID(d["deployment_id"]),
                "cost_usd": d.get("cost_usd", 0.0),
            }
        )


@strawberry.type(
    description="fromDeployment null = entry; toDeployment null = failed for good. reason: "
    "primary, success, fallback_<errorkind>, retry_<errorkind>, skipped_<reason>, failed."
)
class FlowStep:
    from_deployment: strawberry.ID | None
    to_deployment: strawberry.ID | None
    request_count: int
    reason: str


@strawberry.type(description="One deployment in one timeline bucket.")
class DeploymentBucket:
    deployment_id: strawberry.ID
    attempts: int
    successes: int
    failures: int
    cooling_down: bool
    p50_latency_ms: float | None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeploymentBucket:
        return cls(
            deployment_id=strawberry.ID(d["deployment_id"]),
            attempts=d["attempts"],
            successes=d["successes"],
            failures=d["failures"],
            cooling_down=d["cooling_down"],
            p50_latency_ms=d.get("p50_latency_ms"),
        )


@strawberry.type(description="What happened in one slice of the run's time [startMs, endMs).")
class TimelineBucket:
    start_ms: float
    end_ms: float
    requests: int
    failed_requests: int
    deployments: list[DeploymentBucket]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TimelineBucket:
        return cls(
            start_ms=d["start_ms"],
            end_ms=d["end_ms"],
            requests=d["requests"],
            failed_requests=d["failed_requests"],
            deployments=[DeploymentBucket.from_dict(b) for b in d["deployments"]],
        )


@strawberry.type(description="A deployment's cooldown; endMs null: still cooling at the end.")
class CooldownEvent:
    deployment_id: strawberry.ID
    start_ms: float
    end_ms: float | None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CooldownEvent:
        return cls(
            deployment_id=strawberry.ID(d["deployment_id"]),
            start_ms=d["start_ms"],
            end_ms=d.get("end_ms"),
        )


@strawberry.type(description="Where a run's latency for one deployment came from.")
class LatencySource:
    deployment_id: strawberry.ID
    source: LatencyOrigin
    mean_ms: float
    jitter_ms: float
    samples: int = strawberry.field(description="Recorded attempts it was drawn from")

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LatencySource:
        return cls(
            deployment_id=strawberry.ID(d["deployment_id"]),
            source=LatencyOrigin(d["origin"]),
            mean_ms=d["mean_ms"],
            jitter_ms=d["jitter_ms"],
            samples=d.get("samples", 0),
        )


@strawberry.type(description="A replay beside what the request log recorded for its window")
class ReplayReport:
    recorded_requests: int
    replayed_requests: int
    same_final_deployment: float = strawberry.field(
        description="Share of replayed requests whose final deployment (or failure) is the "
        "recorded one: the self-check when the saved group is replayed"
    )
    recorded: list[DeploymentTrafficStats] = strawberry.field(
        description="What really happened in the window, per deployment"
    )
    recorded_cost_usd: float
    recorded_p50_latency_ms: float | None
    recorded_p95_latency_ms: float | None
    assumed_deployments: list[strawberry.ID] = strawberry.field(
        description="Deployments with no recorded behaviour in the window: their outcomes come "
        "from elsewhere in the log (other groups, nearest time) or an assumption"
    )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReplayReport:
        return cls(
            recorded_requests=d["recorded_requests"],
            replayed_requests=d["replayed_requests"],
            same_final_deployment=d["same_final_deployment"],
            recorded=[DeploymentTrafficStats.from_dict(t) for t in d["recorded"]],
            recorded_cost_usd=d["recorded_cost_usd"],
            recorded_p50_latency_ms=d["recorded_p50_latency_ms"],
            recorded_p95_latency_ms=d["recorded_p95_latency_ms"],
            assumed_deployments=[strawberry.ID(x) for x in d["assumed_deployments"]],
        )


@strawberry.type
class SimulationSummary:
    simulation_id: strawberry.ID
    total_requests: int
    successful_requests: int
    failed_requests: int
    traffic_distribution: list[DeploymentTrafficStats]
    flow_data: list[FlowStep]
    avg_latency_ms: float
    p50_latency_ms: float
    p95_latency_ms: float
    p99_latency_ms: float
    duration_ms: float
    cancelled: bool
    clock: SimulationClock
    simulated_duration_ms: float
    timeline: list[TimelineBucket]
    cooldowns: list[CooldownEvent]
    total_cost_usd: float
    seed: int | None
    stopped_reason: str | None = strawberry.field(
        default=None,
        description="Why the run stopped before every request finished when it was not the "
        "user's stop: it reached a simulated-time cap, spent its real-call budget, its group "
        "was deleted, or the server is shutting down (the summary is still sent and saved); "
        "null otherwise. A user's stop shows as `cancelled` alone.",
    )
    start_at: datetime = strawberry.field(
        default=SIMULATED_EPOCH, description="The wall time the run's clock started at"
    )
    gateway_overhead_ms: float = strawberry.field(
        default=0.0, description="Added to every attempt's latency in this run"
    )
    gateway_overhead_source: LatencyOrigin = strawberry.field(
        default=LatencyOrigin.INPUT,
        description="Where gatewayOverheadMs came from: INPUT (given), RECORDED (the median of "
        "the group's recorded attempts' time minus their provider's: the last hour, or a "
        "replay's window) or DEFAULT (0: nothing recorded, or a real run)",
    )
    gateway_overhead_samples: int = strawberry.field(
        default=0, description="Recorded attempts gatewayOverheadMs is the median of"
    )
    latency_sources: list[LatencySource] = strawberry.field(
        default_factory=list,
        description="Each deployment's latency in this run and where it came from",
    )
    replay: ReplayReport | None = strawberry.field(
        default=None, description="A replay's report; null for any other run"
    )

    @classmethod
    def from_domain(cls, s: stats.SimulationSummary) -> SimulationSummary:
        return cls.from_dict(dataclasses.asdict(s))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SimulationSummary:
        return cls(
            simulation_id=strawberry.ID(d["simulation_id"]),
            total_requests=d["total_requests"],
            successful_requests=d["successful_requests"],
            failed_requests=d["failed_requests"],
            traffic_distribution=[
                DeploymentTrafficStats.from_dict(t) for t in d["traffic_distribution"]
            ],
            flow_data=[FlowStep(**f) for f in d["flow_data"]],
            avg_latency_ms=d["avg_latency_ms"],
            p50_latency_ms=d["p50_latency_ms"],
            p95_latency_ms=d["p95_latency_ms"],
            p99_latency_ms=d["p99_latency_ms"],
            duration_ms=d["duration_ms"],
            cancelled=d["cancelled"],
            # Runs saved before the virtual clock have none of these: they ran on wall time.
            clock=SimulationClock(d.get("clock") or SimulationClock.WALL),
            simulated_duration_ms=d.get("simulated_duration_ms", d["duration_ms"]),
            timeline=[TimelineBucket.from_dict(b) for b in d.get("timeline") or ()],
            cooldowns=[CooldownEvent.from_dict(c) for c in d.get("cooldowns") or ()],
            total_cost_usd=d.get("total_cost_usd", 0.0),
            seed=d.get("seed"),
            stopped_reason=d.get("stopped_reason"),
            # Runs saved before startAt existed began at the simulated epoch, with no overhead.
            start_at=_datetime(d.get("start_at")) or SIMULATED_EPOCH,
            gateway_overhead_ms=d.get("gateway_overhead_ms") or 0.0,
            gateway_overhead_source=_overhead_origin(d),
            gateway_overhead_samples=(d.get("gateway_overhead_source") or {}).get("samples", 0),
            latency_sources=[LatencySource.from_dict(x) for x in d.get("latency_sources") or ()],
            replay=ReplayReport.from_dict(d["replay"]) if d.get("replay") else None,
        )


def _overhead_origin(d: dict[str, Any]) -> LatencyOrigin:
    """Runs saved before the overhead said its source were given one, or had 0 (DEFAULT)."""
    source = d.get("gateway_overhead_source")
    if source:
        return LatencyOrigin(source["origin"])
    return LatencyOrigin.INPUT if d.get("gateway_overhead_ms") else LatencyOrigin.DEFAULT


def _datetime(value: object) -> datetime | None:
    """A summary's time: a datetime from a live run, ISO text from a saved one."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return None


@strawberry.type
class SimulationRun:
    simulation_id: strawberry.ID
    routing_group_id: strawberry.ID
    created_at: datetime
    created_by: str
    input: JSON
    summary: SimulationSummary

    @classmethod
    def from_record(cls, r: SimulationRecord) -> SimulationRun:
        return cls(
            simulation_id=strawberry.ID(r.simulation_id),
            routing_group_id=strawberry.ID(r.routing_group_id),
            created_at=r.created_at,
            created_by=r.created_by,
            input=cast(JSON, r.input),
            summary=SimulationSummary.from_dict(r.summary),
        )
