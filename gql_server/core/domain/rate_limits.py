"""Per-key and per-team limits, and the sliding one-minute windows that enforce rpm and tpm.

A limit of None means "not limited". A key answers to its own limits and to its team's: a
request is admitted only when both windows have room. `RateLimiter` keeps the windows in this
process; with Redis, `services.rate_windows.RedisRateWindows` keeps the same windows for every
instance (and falls back to a `RateLimiter` while Redis does not answer).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from gql_server.core.domain.errors import FieldError, ValidationError

WINDOW_S = 60.0
MAX_LIMIT = 10_000_000
# Real-mode simulations call real providers with real money: a non-master key gets this much at
# most per run unless its key or team says less (the mock limits are 100,000 requests and 1,000
# at once).
REAL_MODE_MAX_REQUESTS = 50
REAL_MODE_MAX_CONCURRENCY = 5
# Real provider calls a non-master key (and, separately, its team) may make a minute through
# simulations and the tester together, counted per call actually made (retries and fallbacks
# included), on top of the key's own rpm/tpm.
REAL_CALLS_PER_MINUTE = 60


class RealCallGate(Protocol):
    """Asked before each attempt that would reach a real provider (never for a mock one).

    `admit` answers None when the call may go, else why not: the attempt then fails without
    leaving the process. `used` is told the tokens of each answer the provider gave."""

    async def admit(self) -> str | None: ...
    def used(self, tokens: int) -> None: ...


@dataclass(frozen=True)
class AccessLimits:
    rpm_limit: int | None = None
    tpm_limit: int | None = None
    max_simulations: int | None = None
    max_real_requests: int | None = None

    def check(self, prefix: str) -> None:
        errors = [
            FieldError(f"{prefix}.{name}", f"must be between 1 and {MAX_LIMIT}")
            for name, value in self.__dict__.items()
            if value is not None and not 1 <= value <= MAX_LIMIT
        ]
        if errors:
            raise ValidationError(errors)


def tightest(values: Iterable[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


@dataclass
class _Window:
    events: deque[tuple[float, int]] = field(default_factory=deque)
    total: int = 0

    def trim(self, now: float) -> None:
        while self.events and self.events[0][0] <= now - WINDOW_S:
            self.total -= self.events.popleft()[1]

    def wait_for(self, now: float, limit: int, need: int) -> float | None:
        """Seconds until `need` more fits under `limit`, or None when it fits now."""
        self.trim(now)
        if self.total + need <= limit:
            return None
        freed, waited = self.total + need - limit, 0.0
        for at, amount in self.events:
            freed -= amount
            waited = at + WINDOW_S - now
            if freed <= 0:
                break
        return max(waited, 0.001)

    def add(self, now: float, amount: int) -> None:
        if amount > 0:
            self.events.append((now, amount))
            self.total += amount


class RateLimiter:
    """Requests and tokens per subject ("key:<id>", "team:<id>") over the last minute."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._requests: dict[str, _Window] = {}
        self._tokens: dict[str, _Window] = {}

    def admit(self, subjects: Iterable[tuple[str, AccessLimits]]) -> float | None:
        """Count one request for every subject, or none of them and say how long to wait."""
        now = self._clock()
        chosen = list(subjects)
        waits: list[float] = []
        for subject, limits in chosen:
            if limits.rpm_limit is not None:
                wait = self._window(self._requests, subject).wait_for(now, limits.rpm_limit, 1)
                waits += [wait] if wait is not None else []
            if limits.tpm_limit is not None:
                wait = self._window(self._tokens, subject).wait_for(now, limits.tpm_limit, 1)
                waits += [wait] if wait is not None else []
        if waits:
            return max(waits)
        for subject, limits in chosen:
            if limits.rpm_limit is not None:
                self._window(self._requests, subject).add(now, 1)
        return None

    def charge_tokens(self, subjects: Iterable[str], tokens: int) -> None:
        now = self._clock()
        for subject in subjects:
            self._window(self._tokens, subject).add(now, tokens)

    @staticmethod
    def _window(windows: dict[str, _Window], subject: str) -> _Window:
        window = windows.get(subject)
        if window is None:
            window = windows[subject] = _Window()
        return window
