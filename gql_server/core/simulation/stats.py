"""Summaries of what a batch of requests did: traffic per deployment, flow steps, latency.

`TrafficAccumulator` takes one `RequestTrace` at a time and keeps only counters and one float
per request (its latency), so a 100,000-request simulation never holds its traces.

Flow encoding (the public contract's `FlowStep`): `from_deployment=None` is the entry,
`to_deployment=None` means the request failed for good. Edges into a deployment are attempts
that happened, for every strategy; a deployment the request was passed over at (a skip: cooling
down, over rpm/tpm) gets no edge in, only a skip edge out, to the deployment tried next:

    entry -> first attempted deployment        reason "primary"
    X -> next attempted deployment (X failed)  reason "fallback_<kind>" when the next attempt is
                                               on a deeper fallback tier, else "retry_<kind>"
    X -> X                                     reason "success" (X answered the request)
    X -> None                                  reason "failed" (X was the last try; it failed)
    entry -> None                              reason "failed" (the Router gave up before any
                                               deployment was called, e.g. all cooling down)
    S -> next attempted deployment, or None    reason "skipped_<reason>" (S passed over, no
                                               attempt on S; None: no attempt came after it)

so for each deployment: attempt edges in ("primary", "retry_*", "fallback_*") == its attempts
== edges out that are not skips, and skip edges out == the skips at it; the "primary" steps plus
the entry "failed" step add up to the number of requests. (Before, the edge into a skipped
deployment counted as "primary" or a retry: a WEIGHTED run showed 122 "primary" edges for 73
attempts.) `<kind>` is the lower-case `ErrorKind` ("rate_limit", ...), or "error" when unknown.

Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value at
rank ceil(p/100 * n) (1-based); it is always one of the observed values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from gql_server.core.domain.scenario import LatencySource, OverheadSource, SimulationClock
from gql_server.core.domain.traces import AttemptTrace, RequestTrace, SkippedDeployment, TraceStatus

REASON_PRIMARY = "primary"
REASON_SUCCESS = "success"
REASON_FAILED = "failed"
REASON_SKIPPED_PREFIX = "skipped_"  # + SkipReason: passed over, no attempt made on it


@dataclass(frozen=True)
class DeploymentRef:
    """A deployment as the stats name it; listed up front so unused ones show with 0 traffic."""

    deployment_id: str
    deployment_name: str
    provider: str


@dataclass(frozen=True)
class DeploymentTrafficStats:
    deployment_id: str
    deployment_name: str
    provider: str
    request_count: int  # attempts that reached this deployment
    success_count: int
    failure_count: int
    avg_latency_ms: float  # mean attempt latency on this deployment; 0 when unused
    percent_of_total: float  # share of all attempts, 0..100
    was_primary: bool
    cost_usd: float = 0.0


@dataclass(frozen=True)
class FlowStep:
    from_deployment: str | None
    to_deployment: str | None
    request_count: int
    reason: str


@dataclass(frozen=True)
class LatencyStats:
    avg_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass(frozen=True)
class DeploymentBucket:
    deployment_id: str
    attempts: int
    successes: int
    failures: int
    cooling_down: bool  # in cooldown at any moment of the bucket
    p50_latency_ms: float | None  # None: no attempt in the bucket


@dataclass(frozen=True)
class TimelineBucket:
    """Requests are counted in the bucket they started in, attempts in the one they started in."""

    start_ms: float
    end_ms: float
    requests: int
    failed_requests: int
    deployments: list[DeploymentBucket]


@dataclass(frozen=True)
class CooldownEvent:
    deployment_id: str
    start_ms: float
    end_ms: float | None  # None: still cooling down when the run ended


@dataclass(frozen=True)
class ReplayReport:
    """A replay beside what the request log recorded for its window (see simulation.replay)."""

    recorded_requests: int
    replayed_requests: int
    same_final_deployment: float  # share of replayed requests ending as recorded (or failing)
    recorded: list[DeploymentTrafficStats]
    recorded_cost_usd: float
    recorded_p50_latency_ms: float | None
    recorded_p95_latency_ms: float | None
    assumed_deployments: list[str]  # no recorded behaviour in the window: outcomes assumed


@dataclass(frozen=True)
class SimulationSummary:
    simulation_id: str
    total_requests: int  # requests that finished (fewer than asked when cancelled)
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
    clock: SimulationClock = SimulationClock.WALL
    simulated_duration_ms: float = 0.0  # on the run's clock (equals duration_ms on WALL)
    timeline: list[TimelineBucket] = field(default_factory=list)
    cooldowns: list[CooldownEvent] = field(default_factory=list)
    total_cost_usd: float = 0.0
    seed: int | None = None  # the seed the run used (drawn when none was asked for)
    stopped_reason: str | None = (
        None  # why the run stopped itself early (the 24 h cap); None: it did not
    )
    replay: ReplayReport | None = None  # a replay's report; None for any other run
    start_at: datetime | None = None  # the wall time the run's clock started at
    gateway_overhead_ms: float = 0.0  # added to every attempt's latency
    gateway_overhead_source: OverheadSource | None = None  # None: not settled by a service
    latency_sources: list[LatencySource] = field(default_factory=list)


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of already sorted values; 0.0 for no values."""
    if not sorted_values:
        return 0.0
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_stats(latencies_ms: Iterable[float]) -> LatencyStats:
    values = sorted(latencies_ms)
    if not values:
        return LatencyStats(0.0, 0.0, 0.0, 0.0)
    return LatencyStats(
        avg_ms=math.fsum(values) / len(values),
        p50_ms=percentile(values, 50),
        p95_ms=percentile(values, 95),
        p99_ms=percentile(values, 99),
    )


def flow_edges(trace: RequestTrace) -> list[tuple[str | None, str | None, str]]:
    """The (from, to, reason) steps one request took, per the encoding in the module docstring."""
    attempts = trace.attempts
    edges: list[tuple[str | None, str | None, str]] = [
        (None, attempts[0].deployment_id, REASON_PRIMARY)
        if attempts
        else (None, None, REASON_FAILED)
    ]
    previous: AttemptTrace | None = None
    passed_over: list[SkippedDeployment] = []  # skips since the previous attempt
    for visit in _visits(trace):
        if isinstance(visit, SkippedDeployment):
            passed_over.append(visit)
            continue
        edges.extend((s.deployment_id, visit.deployment_id, _skip_reason(s)) for s in passed_over)
        passed_over = []
        if previous is not None:
            edges.append((previous.deployment_id, visit.deployment_id, _onward(previous, visit)))
        previous = visit
    edges.extend((s.deployment_id, None, _skip_reason(s)) for s in passed_over)
    if previous is not None:
        if trace.success:
            edges.append((previous.deployment_id, previous.deployment_id, REASON_SUCCESS))
        else:
            edges.append((previous.deployment_id, None, REASON_FAILED))
    return edges


def _visits(trace: RequestTrace) -> list[AttemptTrace | SkippedDeployment]:
    """Attempts and skips in the order the request met them."""
    if not trace.skipped:
        return list(trace.attempts)
    visits: list[AttemptTrace | SkippedDeployment] = []
    skips = sorted(trace.skipped, key=lambda s: s.before_attempt)
    position = 0
    for index, attempt in enumerate(trace.attempts):
        while position < len(skips) and skips[position].before_attempt <= index:
            visits.append(skips[position])
            position += 1
        visits.append(attempt)
    visits.extend(skips[position:])
    return visits


def _skip_reason(skip: SkippedDeployment) -> str:
    return f"{REASON_SKIPPED_PREFIX}{skip.reason}"


def _onward(current: AttemptTrace, following: AttemptTrace) -> str:
    kind = current.error_kind.value.lower() if current.error_kind is not None else "error"
    if following.fallback_depth > current.fallback_depth:
        return f"fallback_{kind}"
    return f"retry_{kind}"


@dataclass
class _DeploymentCounters:
    ref: DeploymentRef
    attempts: int = 0
    successes: int = 0
    latency_sum_ms: float = 0.0
    first_attempts: int = 0
    cost_usd: float = 0.0


@dataclass
class TrafficAccumulator:
    """Running totals over finished requests.

    `was_primary`: when `primary_ids` is given (priority failover passes its tier-1
    deployments), exactly those deployments are primary. Otherwise the primary is the
    deployment that most often received a request's first attempt (every deployment tied for
    the most; none when nothing was attempted).
    """

    deployments: Sequence[DeploymentRef] = ()
    primary_ids: Collection[str] | None = None
    total_requests: int = 0
    successful_requests: int = 0
    _latencies_ms: list[float] = field(default_factory=list)
    _counters: dict[str, _DeploymentCounters] = field(default_factory=dict)
    _flow: Counter[tuple[str | None, str | None, str]] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        for ref in self.deployments:
            self._counters.setdefault(ref.deployment_id, _DeploymentCounters(ref))

    @property
    def failed_requests(self) -> int:
        return self.total_requests - self.successful_requests

    def add(self, trace: RequestTrace) -> None:
        self.total_requests += 1
        self.successful_requests += trace.success
        self._latencies_ms.append(trace.latency_ms)
        for position, attempt in enumerate(trace.attempts):
            counters = self._counters_for(attempt)
            counters.attempts += 1
            counters.successes += attempt.status is TraceStatus.SUCCESS
            counters.latency_sum_ms += attempt.latency_ms
            counters.first_attempts += position == 0
            counters.cost_usd += attempt.cost_usd
        self._flow.update(flow_edges(trace))

    def add_all(self, traces: Iterable[RequestTrace]) -> None:
        for trace in traces:
            self.add(trace)

    def _counters_for(self, attempt: AttemptTrace) -> _DeploymentCounters:
        counters = self._counters.get(attempt.deployment_id)
        if counters is None:
            ref = DeploymentRef(attempt.deployment_id, attempt.deployment_name, attempt.provider)
            counters = self._counters[attempt.deployment_id] = _DeploymentCounters(ref)
        return counters

    def traffic_distribution(self) -> list[DeploymentTrafficStats]:
        """Listed deployments first, in their order, then others in order of first attempt."""
        total_attempts = sum(c.attempts for c in self._counters.values())
        primary = self._primary_ids()
        return [
            DeploymentTrafficStats(
                deployment_id=c.ref.deployment_id,
                deployment_name=c.ref.deployment_name,
                provider=c.ref.provider,
                request_count=c.attempts,
                success_count=c.successes,
                failure_count=c.attempts - c.successes,
                avg_latency_ms=c.latency_sum_ms / c.attempts if c.attempts else 0.0,
                percent_of_total=100.0 * c.attempts / total_attempts if total_attempts else 0.0,
                was_primary=c.ref.deployment_id in primary,
                cost_usd=c.cost_usd,
            )
            for c in self._counters.values()
        ]

    def _primary_ids(self) -> Collection[str]:
        if self.primary_ids is not None:
            return self.primary_ids
        most = max((c.first_attempts for c in self._counters.values()), default=0)
        if most == 0:
            return frozenset()
        return frozenset(i for i, c in self._counters.items() if c.first_attempts == most)

    def flow_data(self) -> list[FlowStep]:
        """Steps in a stable order: entry steps, then by source deployment, then by target."""
        order = {deployment_id: i for i, deployment_id in enumerate(self._counters)}

        def key(
            item: tuple[tuple[str | None, str | None, str], int],
        ) -> tuple[int, int, str]:
            (source, target, reason), _ = item
            source_rank = -1 if source is None else order.get(source, len(order))
            target_rank = len(order) if target is None else order.get(target, len(order))
            return (source_rank, target_rank, reason)

        return [
            FlowStep(source, target, count, reason)
            for (source, target, reason), count in sorted(self._flow.items(), key=key)
        ]

    def latency(self) -> LatencyStats:
        return latency_stats(self._latencies_ms)

    @property
    def total_cost_usd(self) -> float:
        return math.fsum(c.cost_usd for c in self._counters.values())

    def summary(
        self, simulation_id: str, *, duration_ms: float, cancelled: bool
    ) -> SimulationSummary:
        latency = self.latency()
        return SimulationSummary(
            simulation_id=simulation_id,
            total_requests=self.total_requests,
            successful_requests=self.successful_requests,
            failed_requests=self.failed_requests,
            traffic_distribution=self.traffic_distribution(),
            flow_data=self.flow_data(),
            avg_latency_ms=latency.avg_ms,
            p50_latency_ms=latency.p50_ms,
            p95_latency_ms=latency.p95_ms,
            p99_latency_ms=latency.p99_ms,
            duration_ms=duration_ms,
            cancelled=cancelled,
        )


def summarize(
    simulation_id: str,
    traces: Iterable[RequestTrace],
    *,
    deployments: Sequence[DeploymentRef] = (),
    primary_ids: Collection[str] | None = None,
    duration_ms: float = 0.0,
    cancelled: bool = False,
) -> SimulationSummary:
    accumulator = TrafficAccumulator(deployments=deployments, primary_ids=primary_ids)
    accumulator.add_all(traces)
    return accumulator.summary(simulation_id, duration_ms=duration_ms, cancelled=cancelled)
