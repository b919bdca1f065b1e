"""What a simulation plays out over time: its clock, its open-loop traffic, its incidents.

All of it is plain frozen data (picklable: a run crosses to a worker process as it is).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from gql_server.core.domain.models import ErrorKind

# Where a run's clock starts when nothing placed it (midnight: minute n of the run is
# [60n, 60n + 60) s). A service places every run it starts at its `startAt`.
SIMULATED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
MAX_SIMULATED_REQUESTS = 1_000_000
MAX_SIMULATED_SECONDS = 24 * 3600.0
MAX_INJECTED_LATENCY_MS = 600_000.0  # ten minutes: any slower is an outage, not a latency
MAX_TIMELINE_BUCKETS = 10_000
DEFAULT_TIMELINE_BUCKETS = 60
MAX_RETRY_AFTER_SECONDS = 86_400.0  # a day: as long as a cooldown may be
MAX_GATEWAY_OVERHEAD_MS = 60_000.0
MAX_MEAN_TOKENS = 1_000_000
# A deployment's latency when the input gives none and nothing was recorded in the last hour:
# a typical hosted chat model's answer. Never 0: a closed loop of 0 ms attempts never moves
# its clock, so cooldowns never end (measured: 20% failures read as a total outage).
DEFAULT_LATENCY_MS = 400.0
DEFAULT_JITTER_MS = 150.0
# A synthetic request's size when the traffic does not say (a short chat turn).
DEFAULT_PROMPT_TOKENS = 500
DEFAULT_COMPLETION_TOKENS = 200


class SimulationClock(enum.StrEnum):
    VIRTUAL = "VIRTUAL"  # simulated time: sleeps, timeouts and cooldowns cost no waiting
    WALL = "WALL"  # real time: what a run against real providers uses


class LatencyOrigin(enum.StrEnum):
    INPUT = "INPUT"  # the simulation's input gave it
    # this gateway's recorded traffic (the last hour; a replay: its window): a deployment's p50
    # and spread, or the median gateway overhead of the group's recorded attempts
    RECORDED = "RECORDED"
    # nothing given or recorded: DEFAULT_LATENCY_MS +- DEFAULT_JITTER_MS; no gateway overhead
    DEFAULT = "DEFAULT"


@dataclass(frozen=True)
class LatencySource:
    """Where a run's latency for one deployment came from, and what it was."""

    deployment_id: str
    origin: LatencyOrigin
    mean_ms: float
    jitter_ms: float
    samples: int = 0  # recorded attempts it was drawn from (RECORDED only)


@dataclass(frozen=True)
class OverheadSource:
    """Where a run's gateway overhead came from, and how many recorded attempts it is the
    median of (RECORDED only)."""

    origin: LatencyOrigin
    samples: int = 0


class TrafficPattern(enum.StrEnum):
    CONSTANT = "CONSTANT"  # evenly spaced arrivals
    POISSON = "POISSON"  # exponential gaps with the given mean rate
    RAMP = "RAMP"  # the rate grows linearly from 0 to `rate_per_second` over the run


@dataclass(frozen=True)
class TrafficSpec:
    """Open loop: requests start on schedule, whatever is still in flight."""

    rate_per_second: float
    duration_seconds: float
    pattern: TrafficPattern = TrafficPattern.CONSTANT
    prompt_tokens: int | None = None  # mean tokens a request sends; None: DEFAULT_PROMPT_TOKENS
    completion_tokens: int | None = None  # mean tokens an answer has; None: the default

    def expected_requests(self) -> float:
        """How many requests the schedule starts (the mean, for POISSON)."""
        total = self.rate_per_second * self.duration_seconds
        return total / 2 if self.pattern is TrafficPattern.RAMP else total


@dataclass(frozen=True)
class Incident:
    """A time window (seconds since the run started, on its clock) in which one deployment fails
    with `failure_rate` and answers `added_latency_ms` slower. Windows on one deployment may
    overlap: their failure chances combine as independent draws and their latencies add up."""

    model_id: str
    start_s: float
    end_s: float
    failure_rate: float = 1.0
    error_kind: ErrorKind = ErrorKind.SERVER_ERROR
    added_latency_ms: float = 0.0
    retry_after_s: float | None = None

    def active_at(self, seconds: float) -> bool:
        return self.start_s <= seconds < self.end_s


def finite(value: float) -> bool:
    return math.isfinite(value)
