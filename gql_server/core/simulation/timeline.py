"""What a run did over time, bucket by bucket, on its clock.

A request counts in the bucket it started in; an attempt in the bucket it started in. A
deployment is `cooling_down` in a bucket when one of its cooldowns overlaps the bucket. With no
width given the width doubles (neighbouring buckets merge) whenever the run outgrows
`2 * target` buckets, so a run of unknown length ends with between `target` and `2 * target`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gql_server.core.domain.traces import RequestTrace, TraceStatus
from gql_server.core.simulation.stats import (
    CooldownEvent,
    DeploymentBucket,
    TimelineBucket,
    percentile,
)


@dataclass
class _Cell:
    attempts: int = 0
    successes: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    def merge(self, other: _Cell) -> None:
        self.attempts += other.attempts
        self.successes += other.successes
        self.latencies_ms.extend(other.latencies_ms)


@dataclass
class _Bucket:
    requests: int = 0
    failed: int = 0
    cells: dict[str, _Cell] = field(default_factory=dict)

    def merge(self, other: _Bucket) -> None:
        self.requests += other.requests
        self.failed += other.failed
        for deployment_id, cell in other.cells.items():
            self.cells.setdefault(deployment_id, _Cell()).merge(cell)


class Timeline:
    def __init__(
        self, deployment_ids: Sequence[str], *, width_ms: float | None, target: int = 60
    ) -> None:
        self._ids = list(deployment_ids)
        self._fixed = width_ms is not None
        self.width_ms = width_ms if width_ms is not None else 1000.0
        self._target = target
        self._buckets: dict[int, _Bucket] = {}

    def add(self, trace: RequestTrace) -> None:
        bucket = self._bucket(trace.started_at_ms)
        bucket.requests += 1
        bucket.failed += not trace.success
        for attempt in trace.attempts:
            cell = self._bucket(attempt.started_at_ms).cells.setdefault(
                attempt.deployment_id, _Cell()
            )
            cell.attempts += 1
            cell.successes += attempt.status is TraceStatus.SUCCESS
            cell.latencies_ms.append(attempt.latency_ms)

    def _bucket(self, at_ms: float) -> _Bucket:
        index = int(max(0.0, at_ms) // self.width_ms)
        if not self._fixed:
            while index >= 2 * self._target:
                self._double()
                index = int(max(0.0, at_ms) // self.width_ms)
        bucket = self._buckets.get(index)
        if bucket is None:
            bucket = self._buckets[index] = _Bucket()
        return bucket

    def _double(self) -> None:
        merged: dict[int, _Bucket] = {}
        for index, bucket in self._buckets.items():
            merged.setdefault(index // 2, _Bucket()).merge(bucket)
        self._buckets = merged
        self.width_ms *= 2

    def buckets(
        self, end_ms: float, cooldowns: Iterable[CooldownEvent] = ()
    ) -> list[TimelineBucket]:
        """Every bucket from 0 to `end_ms` (empty ones too), each listing every deployment."""
        spans = list(cooldowns)
        last = max([*self._buckets, int(max(0.0, end_ms) // self.width_ms) - 1, 0])
        out: list[TimelineBucket] = []
        ids = self._ids + sorted(
            {d for b in self._buckets.values() for d in b.cells} - set(self._ids)
        )
        for index in range(last + 1):
            start, end = index * self.width_ms, (index + 1) * self.width_ms
            bucket = self._buckets.get(index, _Bucket())
            rows = []
            for deployment_id in ids:
                cell = bucket.cells.get(deployment_id, _Cell())
                cooling = any(
                    s.deployment_id == deployment_id
                    and s.start_ms < end
                    and (s.end_ms is None or s.end_ms > start)
                    for s in spans
                )
                rows.append(
                    DeploymentBucket(
                        deployment_id=deployment_id,
                        attempts=cell.attempts,
                        successes=cell.successes,
                        failures=cell.attempts - cell.successes,
                        cooling_down=cooling,
                        p50_latency_ms=(
                            percentile(sorted(cell.latencies_ms), 50) if cell.latencies_ms else None
                        ),
                    )
                )
            out.append(TimelineBucket(start, end, bucket.requests, bucket.failed, rows))
        return out
