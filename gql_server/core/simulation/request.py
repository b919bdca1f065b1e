"""What a simulation is asked to do, and the checks it must pass before anything runs."""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import (
    Collection,
    Mapping,
)
from dataclasses import dataclass, field
from datetime import UTC, datetime

from gql_server.core.domain.errors import FieldError, ValidationError
from gql_server.core.domain.injection import InjectionPlan
from gql_server.core.domain.replay import ReplaySource, ReplayWindow
from gql_server.core.domain.scenario import (
    DEFAULT_COMPLETION_TOKENS,
    DEFAULT_PROMPT_TOKENS,
    MAX_GATEWAY_OVERHEAD_MS,
    MAX_INJECTED_LATENCY_MS,
    MAX_MEAN_TOKENS,
    MAX_RETRY_AFTER_SECONDS,
    MAX_SIMULATED_REQUESTS,
    MAX_SIMULATED_SECONDS,
    MAX_TIMELINE_BUCKETS,
    Incident,
    LatencySource,
    OverheadSource,
    SimulationClock,
    TrafficPattern,
    TrafficSpec,
    finite,
)
from gql_server.core.routing.tester import message_errors

MAX_REQUESTS = 100_000
MAX_CONCURRENCY = 1_000


@dataclass(frozen=True)
class SimulationRequest:
    """Closed loop (`num_requests` over `concurrency` workers) unless `traffic` is set; then
    requests start on `traffic`'s schedule and `num_requests`/`concurrency` are ignored (0)."""

    num_requests: int
    concurrency: int
    mock: bool = True
    seed: int | None = None
    plan: InjectionPlan = field(default_factory=InjectionPlan)
    messages: tuple[Mapping[str, str], ...] | None = None
    clock: SimulationClock | None = None  # None: VIRTUAL when mock, WALL when real
    traffic: TrafficSpec | None = None
    incidents: tuple[Incident, ...] = ()
    timeline_bucket_s: float | None = None  # None: about DEFAULT_TIMELINE_BUCKETS buckets
    # Replay (open loop on the recorded arrivals, see core.domain.replay): the window asked for,
    # and, once a service has read it from the log, what it holds.
    replay_window: ReplayWindow | None = None
    replay: ReplaySource | None = None
    # The wall time the run's clock starts at: rpm/tpm windows are calendar minutes, so where in
    # its minute a run starts matters. None: now (a service settles it before the run starts).
    start_at: datetime | None = None
    # Added to every attempt's latency (the gateway's own time around a provider's answer).
    # None: not given (a service settles it from recorded traffic; the engine takes 0).
    gateway_overhead_ms: float | None = None
    gateway_overhead_source: OverheadSource | None = None  # where it came from (a service's)
    # The run stops itself once its clock has covered this much (a caller's cap may be lower
    # than the 24 h every run has; see services.simulations).
    max_simulated_s: float = MAX_SIMULATED_SECONDS
    latency_sources: tuple[LatencySource, ...] = ()  # where each latency came from (a service's)

    def injection_plan(self) -> InjectionPlan:
        """The plan to build the run's Router with: the request's seed wins over the plan's;
        the request's incidents and gateway overhead join it."""
        plan = self.plan
        if self.replay is not None:
            plan = dataclasses.replace(plan, replay=self.replay)
        if self.incidents:
            plan = dataclasses.replace(plan, incidents=(*plan.incidents, *self.incidents))
        if self.gateway_overhead_ms is not None:
            plan = dataclasses.replace(plan, gateway_overhead_ms=self.gateway_overhead_ms)
        if plan.request_tokens is None:
            plan = dataclasses.replace(plan, request_tokens=self.request_tokens())
        if self.seed is None:
            return plan
        return dataclasses.replace(plan, seed=self.seed)

    def request_tokens(self) -> tuple[int, int]:
        """A synthetic request's (prompt, completion) tokens: the traffic's means, else the
        defaults (DEFAULT_PROMPT_TOKENS, DEFAULT_COMPLETION_TOKENS)."""
        traffic = self.traffic
        prompt = traffic.prompt_tokens if traffic is not None else None
        completion = traffic.completion_tokens if traffic is not None else None
        return (
            DEFAULT_PROMPT_TOKENS if prompt is None else prompt,
            DEFAULT_COMPLETION_TOKENS if completion is None else completion,
        )

    def seeded(self) -> SimulationRequest:
        """This request with its seed settled (the plan's, or a fresh one), so the Router and
        the run draw from one seed and the summary can name it."""
        if self.seed is not None:
            return self
        seed = self.plan.seed
        if seed is None:
            seed = random.SystemRandom().getrandbits(63)
        return dataclasses.replace(self, seed=seed)

    @property
    def resolved_clock(self) -> SimulationClock:
        if self.clock is not None:
            return self.clock
        return SimulationClock.VIRTUAL if self.mock else SimulationClock.WALL

    def started(self, now: datetime | None = None) -> SimulationRequest:
        """This request with `start_at` settled (given, else `now`), in UTC."""
        start = self.start_at or now or datetime.now(UTC)
        start = start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)
        return dataclasses.replace(self, start_at=start)


def validate_simulation_request(
    request: SimulationRequest, group_model_ids: Collection[str]
) -> None:
    """Field paths use the GraphQL input's names. Rules are listed in the plan's order, which
    is the input list's order when the adapter builds the plan from it."""
    errors: list[FieldError] = []
    errors.extend(_schedule_errors(request))
    for i, (model_id, failure) in enumerate(request.plan.failures.items()):
        where = f"failureInjection[{i}]"
        if model_id not in group_model_ids:
            errors.append(FieldError(f"{where}.modelId", _not_in_group(model_id)))
        if not 0.0 <= failure.failure_rate <= 1.0:
            errors.append(FieldError(f"{where}.failureRate", "must be between 0 and 1"))
        errors.extend(_retry_after_errors(f"{where}.retryAfterSeconds", failure.retry_after_s))
    for i, (model_id, latency) in enumerate(request.plan.latency.items()):
        where = f"latency[{i}]"
        if model_id not in group_model_ids:
            errors.append(FieldError(f"{where}.modelId", _not_in_group(model_id)))
        errors.extend(_latency_errors(f"{where}.meanMs", latency.mean_ms))
        errors.extend(_latency_errors(f"{where}.jitterMs", latency.jitter_ms))
    for i, incident in enumerate(request.incidents):
        errors.extend(_incident_errors(f"incidents[{i}]", incident, group_model_ids))
    bucket = request.timeline_bucket_s
    if bucket is not None:
        errors.extend(_bucket_errors(bucket, request.traffic))
    errors.extend(_run_clock_errors(request))
    if request.messages is not None:
        errors.extend(message_errors(request.messages))
    if errors:
        raise ValidationError(errors)


def frozen_clock_errors(request: SimulationRequest, model_ids: Collection[str]) -> list[FieldError]:
    """A closed loop on the virtual clock moves its clock only by the time attempts take: when
    every deployment answers in 0 ms and the gateway adds none, the clock never advances, so
    cooldowns never end and a few failures read as a total outage. Such a run is refused."""
    if request.traffic is not None or request.resolved_clock is not SimulationClock.VIRTUAL:
        return []
    if request.replay is not None or request.replay_window is not None:
        return []  # the recorded arrivals and latencies move it
    if request.gateway_overhead_ms:
        return []
    latency = request.plan.latency
    for model_id in model_ids:
        rule = latency.get(model_id)
        if rule is not None and (rule.mean_ms > 0 or rule.jitter_ms > 0):
            return []
    if any(i.added_latency_ms > 0 and i.start_s == 0 for i in request.incidents):
        return []
    return [
        FieldError(
            "latency",
            "every deployment answers in 0 ms and gatewayOverheadMs is 0, so this closed-loop "
            "run's virtual clock could never advance (cooldowns would never end); give a "
            "deployment some latency, a gateway overhead, or use traffic over time",
        )
    ]


def _schedule_errors(request: SimulationRequest) -> list[FieldError]:
    if request.replay_window is not None or request.replay is not None:
        # the log's window is the schedule (checked where it is read)
        if request.traffic is not None or request.num_requests:
            message = "a replay's arrivals are the log's: leave out traffic and numRequests"
            return [FieldError("replay", message)]
        return []
    if request.traffic is None:
        return _closed_loop_errors(request)
    return _traffic_errors(request.traffic)


def _run_clock_errors(request: SimulationRequest) -> list[FieldError]:
    errors: list[FieldError] = []
    overhead = request.gateway_overhead_ms
    if overhead is not None and not (finite(overhead) and 0 <= overhead <= MAX_GATEWAY_OVERHEAD_MS):
        errors.append(
            FieldError(
                "gatewayOverheadMs", f"must be between 0 and {MAX_GATEWAY_OVERHEAD_MS:,.0f} ms"
            )
        )
    if request.start_at is not None and request.resolved_clock is SimulationClock.WALL:
        errors.append(
            FieldError("startAt", "a run on the wall clock starts now; startAt needs VIRTUAL")
        )
    return errors


def _closed_loop_errors(request: SimulationRequest) -> list[FieldError]:
    errors: list[FieldError] = []
    if not 1 <= request.num_requests <= MAX_REQUESTS:
        errors.append(FieldError("numRequests", f"must be between 1 and {MAX_REQUESTS:,}"))
    if not 1 <= request.concurrency <= MAX_CONCURRENCY:
        errors.append(FieldError("concurrency", f"must be between 1 and {MAX_CONCURRENCY:,}"))
    return errors


def _traffic_errors(traffic: TrafficSpec) -> list[FieldError]:
    errors: list[FieldError] = []
    rate, duration = traffic.rate_per_second, traffic.duration_seconds
    if not (finite(rate) and rate > 0):
        errors.append(FieldError("traffic.ratePerSecond", "must be a number above 0"))
    if not (finite(duration) and 0 < duration <= MAX_SIMULATED_SECONDS):
        errors.append(
            FieldError(
                "traffic.durationSeconds",
                f"must be above 0 and at most {MAX_SIMULATED_SECONDS:,.0f} (24 hours)",
            )
        )
    for name, tokens in (
        ("promptTokens", traffic.prompt_tokens),
        ("completionTokens", traffic.completion_tokens),
    ):
        if tokens is not None and not 0 <= tokens <= MAX_MEAN_TOKENS:
            errors.append(
                FieldError(f"traffic.{name}", f"must be between 0 and {MAX_MEAN_TOKENS:,}")
            )
    if not errors and traffic.expected_requests() > MAX_SIMULATED_REQUESTS:
        errors.append(
            FieldError(
                "traffic.ratePerSecond",
                f"this rate and duration start about {traffic.expected_requests():,.0f} "
                f"requests; a run may start at most {MAX_SIMULATED_REQUESTS:,}",
            )
        )
    return errors


def _latency_errors(where: str, value_ms: float) -> list[FieldError]:
    if not (finite(value_ms) and 0 <= value_ms <= MAX_INJECTED_LATENCY_MS):
        return [
            FieldError(where, f"must be between 0 and {MAX_INJECTED_LATENCY_MS:,.0f} ms (10 min)")
        ]
    return []


def _incident_errors(
    where: str, incident: Incident, group_model_ids: Collection[str]
) -> list[FieldError]:
    errors: list[FieldError] = []
    if incident.model_id not in group_model_ids:
        errors.append(FieldError(f"{where}.modelId", _not_in_group(incident.model_id)))
    window_ok = True
    for name, value in (("startSeconds", incident.start_s), ("endSeconds", incident.end_s)):
        if not (finite(value) and 0 <= value <= MAX_SIMULATED_SECONDS):
            window_ok = False
            errors.append(
                FieldError(
                    f"{where}.{name}",
                    f"must be between 0 and {MAX_SIMULATED_SECONDS:,.0f} (24 hours)",
                )
            )
    if window_ok and incident.end_s <= incident.start_s:
        errors.append(FieldError(f"{where}.endSeconds", "must be after startSeconds"))
    if not 0.0 <= incident.failure_rate <= 1.0:
        errors.append(FieldError(f"{where}.failureRate", "must be between 0 and 1"))
    errors.extend(_latency_errors(f"{where}.addedLatencyMs", incident.added_latency_ms))
    errors.extend(_retry_after_errors(f"{where}.retryAfterSeconds", incident.retry_after_s))
    return errors


def _retry_after_errors(where: str, seconds: float | None) -> list[FieldError]:
    if seconds is None or (finite(seconds) and 0 <= seconds <= MAX_RETRY_AFTER_SECONDS):
        return []
    return [FieldError(where, f"must be between 0 and {MAX_RETRY_AFTER_SECONDS:,.0f} s (a day)")]


def _bucket_errors(bucket_s: float, traffic: TrafficSpec | None) -> list[FieldError]:
    where = "timelineBucketSeconds"
    if not (finite(bucket_s) and 0 < bucket_s <= MAX_SIMULATED_SECONDS):
        return [FieldError(where, "must be above 0 and at most 86,400 (24 hours)")]
    duration = traffic.duration_seconds if traffic is not None else None
    if duration is not None and finite(duration) and duration / bucket_s > MAX_TIMELINE_BUCKETS:
        return [
            FieldError(
                where,
                f"gives {duration / bucket_s:,.0f} buckets for this duration; "
                f"at most {MAX_TIMELINE_BUCKETS:,}",
            )
        ]
    return []


def arrival_times(traffic: TrafficSpec, seed: int) -> list[float]:
    """When each request starts, in seconds since the run started (at most
    MAX_SIMULATED_REQUESTS; POISSON gaps are drawn from `seed`)."""
    rate, duration = traffic.rate_per_second, traffic.duration_seconds
    times: list[float] = []
    if traffic.pattern is TrafficPattern.CONSTANT:
        count = min(math.ceil(rate * duration - 1e-9), MAX_SIMULATED_REQUESTS)
        return [i / rate for i in range(count)]
    if traffic.pattern is TrafficPattern.RAMP:
        # rate(t) = rate * t / duration: the i-th request starts when rate*t^2/(2*duration) = i
        i = 1
        while len(times) < MAX_SIMULATED_REQUESTS:
            at = math.sqrt(2 * duration * i / rate)
            if at >= duration:
                break
            times.append(at)
            i += 1
        return times
    draws = random.Random(f"{seed}:arrivals")  # noqa: S311  # a reproducible schedule
    at = draws.expovariate(rate)
    while at < duration and len(times) < MAX_SIMULATED_REQUESTS:
        times.append(at)
        at += draws.expovariate(rate)
    return times


def _not_in_group(model_id: str) -> str:
    return f"deployment {model_id!r} is not in this routing group"
