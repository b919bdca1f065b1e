"""Replay's inputs: a window of the request log as plain, picklable data, and the rule for what
each attempt of the replayed run meets. See core.simulation.replay for the run and its report.

A `ReplaySource` holds the requests (when each arrived, its tokens, what it ended on) and every
attempt each deployment made in the window (from any group the caller may read). What an
attempt meets (`Replayer.outcome`, asked by the failure injector per attempt), first that applies:
  1. the same request's own recorded attempt on that deployment (its n-th there): what that
     deployment really answered this request, latency and Retry-After included;
  2. the deployment's recorded attempts in the short bucket (`bucket_s`) the attempt starts in,
     or the nearest bucket that has any: one drawn at random, so failure rate, error kind,
     latency and Retry-After follow what was recorded at that moment;
  3. a deployment with none in the window: its attempts nearest the window elsewhere in the log
     (other groups, other times), drawn the same way;
  4. none anywhere: the stated assumption (`ASSUMPTION`): it answers, in the window's median
     successful latency.
Deployments of cases 3 and 4 are reported as assumed. An outcome's latency is the provider's
part of the recorded attempt where it was timed: the run adds its gateway overhead (by default
the median of the window's recorded overheads, see `ReplaySource.overheads_ms`) on top.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from gql_server.core.domain.models import ErrorKind

REPLAY_BUCKET_S = 10.0  # "at that moment": a deployment's behaviour per 10 s of the window
NEAREST_ELSEWHERE = 200  # attempts read from elsewhere in the log for a deployment the window lacks
DEFAULT_LATENCY_MS = 100.0  # the assumption's latency when the window has no successful attempt
ASSUMPTION = (
    "no recorded attempt anywhere in the log: assumed to answer every attempt, in the window's "
    f"median successful attempt latency ({DEFAULT_LATENCY_MS:.0f} ms when it has none)"
)


@dataclass(frozen=True)
class ReplayWindow:
    """What the caller asks to replay: [start, end) of the group's log, optionally one key's
    or one team's requests (within what the caller may read)."""

    start: datetime
    end: datetime
    key_id: str | None = None
    team_id: str | None = None

    @property
    def duration_s(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(frozen=True)
class RecordedAttempt:
    deployment_id: str
    at_s: float  # when it started, seconds since the window's start
    latency_ms: float
    error_kind: ErrorKind | None = None  # None: it answered
    retry_after_s: float | None = None
    provider_latency_ms: float | None = None  # the provider's part of latency_ms, when timed

    @property
    def provider_ms(self) -> float:
        """What a replayed attempt waits for its provider: the provider's part when it was
        timed (the run adds its gateway overhead on top), else the whole recorded attempt."""
        return self.latency_ms if self.provider_latency_ms is None else self.provider_latency_ms


@dataclass(frozen=True)
class RecordedRequest:
    at_s: float  # when it arrived, seconds since the window's start
    prompt_tokens: int
    completion_tokens: int
    final_deployment_id: str | None  # None: it failed
    latency_ms: float
    cost_usd: float
    attempts: tuple[RecordedAttempt, ...] = ()

    @property
    def success(self) -> bool:
        return self.final_deployment_id is not None


@dataclass(frozen=True)
class ReplaySource:
    window: ReplayWindow
    requests: tuple[RecordedRequest, ...]  # by arrival
    # every attempt of each deployment in the window, any group the caller may read
    behaviour: Mapping[str, tuple[RecordedAttempt, ...]] = field(default_factory=dict)
    # deployments with none in the window: their attempts nearest it elsewhere in the log
    elsewhere: Mapping[str, tuple[RecordedAttempt, ...]] = field(default_factory=dict)
    bucket_s: float = REPLAY_BUCKET_S

    def assumed(self, deployment_ids: Iterable[str]) -> list[str]:
        """The deployments whose outcomes are not this window's record (cases 3 and 4)."""
        return [d for d in deployment_ids if not self.behaviour.get(d)]

    def assumed_latency_ms(self) -> float:
        answered = sorted(
            a.provider_ms
            for attempts in self.behaviour.values()
            for a in attempts
            if a.error_kind is None
        )
        return _median(answered) if answered else DEFAULT_LATENCY_MS

    def overheads_ms(self) -> list[float]:
        """The gateway's own time in each of the window's recorded attempts that timed its
        provider (the attempt's time minus the provider's)."""
        return [
            a.latency_ms - a.provider_latency_ms
            for request in self.requests
            for a in request.attempts
            if a.provider_latency_ms is not None
        ]


@dataclass(frozen=True)
class Outcome:
    latency_ms: float
    error_kind: ErrorKind | None
    retry_after_s: float | None


class Replayer:
    """Answers the failure injector per attempt (see the module docstring for the order)."""

    def __init__(self, source: ReplaySource) -> None:
        self.source = source
        self._width = source.bucket_s
        self._buckets: dict[str, dict[int, list[RecordedAttempt]]] = {}
        for deployment_id, attempts in source.behaviour.items():
            by_bucket: dict[int, list[RecordedAttempt]] = defaultdict(list)
            for attempt in attempts:
                by_bucket[self._index(attempt.at_s)].append(attempt)
            self._buckets[deployment_id] = dict(by_bucket)
        self._filled = {d: sorted(b) for d, b in self._buckets.items()}
        self._assumed = Outcome(source.assumed_latency_ms(), None, None)

    def _index(self, at_s: float) -> int:
        return math.floor(max(0.0, at_s) / self._width)

    def tokens(self, request_index: int) -> tuple[int, int] | None:
        requests = self.source.requests
        if 0 <= request_index < len(requests):
            recorded = requests[request_index]
            return recorded.prompt_tokens, recorded.completion_tokens
        return None

    def outcome(
        self, request_index: int, deployment_id: str, attempt: int, at_s: float, rng: random.Random
    ) -> Outcome:
        own = self._own(request_index, deployment_id, attempt)
        if own is not None:
            return _outcome(own)
        buckets = self._buckets.get(deployment_id)
        if buckets:
            return _outcome(rng.choice(self._nearest(deployment_id, buckets, at_s)))
        elsewhere = self.source.elsewhere.get(deployment_id)
        if elsewhere:
            return _outcome(rng.choice(elsewhere))
        return self._assumed

    def _own(self, request_index: int, deployment_id: str, attempt: int) -> RecordedAttempt | None:
        requests = self.source.requests
        if not 0 <= request_index < len(requests):
            return None
        on_it = [a for a in requests[request_index].attempts if a.deployment_id == deployment_id]
        return on_it[attempt] if attempt < len(on_it) else None

    def _nearest(
        self, deployment_id: str, buckets: dict[int, list[RecordedAttempt]], at_s: float
    ) -> list[RecordedAttempt]:
        index = self._index(at_s)
        found = buckets.get(index)
        if found:
            return found
        filled = self._filled[deployment_id]
        position = bisect.bisect_left(filled, index)
        candidates = filled[max(0, position - 1) : position + 1]
        return buckets[min(candidates, key=lambda b: (abs(b - index), b))]


def _outcome(attempt: RecordedAttempt) -> Outcome:
    return Outcome(attempt.provider_ms, attempt.error_kind, attempt.retry_after_s)


def _median(values: list[float]) -> float:
    return values[(len(values) - 1) // 2]
