"""A throwaway Router's cooldowns and fail counts, kept by its run on the run's clock.

litellm's own cooldown store is process-wide memory (or Redis) and expires entries on the wall
clock, and the Router's core checks each cooldown it reads against its own wall clock. A run on
a virtual clock must therefore own the store: an entry lives until the run's clock passes its
end, and every read hands the core a fresh wall timestamp with the time left on the run's clock,
so the core sees exactly the cooldowns the run's clock says are active. The store also records
when each deployment started and stopped cooling down (`events`), which a simulation reports.

It satisfies litellm's `RouterCooldowns` protocol (litellm/redis/stores/router_cooldowns).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litellm.redis.stores._route import ready
from litellm.redis.stores.router_cooldowns import CooldownCacheValue


def loop_clock() -> float:
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:
        return time.monotonic()


@dataclass
class CooldownSpan:
    deployment_id: str
    start: float  # on the run's clock (loop time, seconds)
    end: float  # when it ends (or ended) on the run's clock


class RunCooldownStore:
    def __init__(self, clock: Callable[[], float] = loop_clock) -> None:
        self._clock = clock
        self._cooling: dict[str, tuple[CooldownSpan, CooldownCacheValue]] = {}
        self._fails: dict[tuple[str, str | None], tuple[float, int]] = {}
        self.events: list[CooldownSpan] = []  # in start order; `end` moves while extended
        self.id_of: Callable[[str], str] = lambda model_id: model_id  # namespaced -> real id

    # -- what the run asks -------------------------------------------------------------------

    def is_cooling(self, model_id: str) -> bool:
        entry = self._cooling.get(model_id)
        return entry is not None and entry[0].end > self._clock()

    # -- litellm's RouterCooldowns -----------------------------------------------------------

    @property
    def has_redis(self) -> bool:
        return False

    def attach_redis(self, redis: object) -> None:
        """A throwaway Router never shares its cooldowns."""

    def flush_local_counters(self) -> None:
        """Nothing is buffered."""

    def put(self, model_id: str, value: CooldownCacheValue, ttl: float) -> None:
        now = self._clock()
        entry = self._cooling.get(model_id)
        if entry is not None and entry[0].end > now:
            span = entry[0]
            span.end = max(span.end, now + ttl)
        else:
            span = CooldownSpan(self.id_of(model_id), now, now + ttl)
            self.events.append(span)
        self._cooling[model_id] = (span, value)

    async def async_put(self, model_id: str, value: CooldownCacheValue, ttl: float) -> None:
        self.put(model_id, value, ttl)

    def increment_allowed_fails(self, model_id: str, suffix: str | None, ttl: float) -> int:
        now = self._clock()
        expires, count = self._fails.get((model_id, suffix), (0.0, 0))
        if expires <= now:
            expires, count = now + ttl, 0
        self._fails[(model_id, suffix)] = (expires, count + 1)
        return count + 1

    async def async_increment_allowed_fails(
        self, model_id: str, suffix: str | None, ttl: float
    ) -> int:
        return self.increment_allowed_fails(model_id, suffix, ttl)

    def active(self, model_ids: Sequence[str], *, batch: object) -> Awaitable[Any]:
        return ready(self.active_sync(model_ids))

    def active_sync(self, model_ids: Sequence[str]) -> tuple[tuple[str, CooldownCacheValue], ...]:
        now = self._clock()
        wall = time.time()
        found: list[tuple[str, CooldownCacheValue]] = []
        for model_id in model_ids:
            entry = self._cooling.get(model_id)
            if entry is None:
                continue
            span, value = entry
            if span.end <= now:
                del self._cooling[model_id]
                continue
            fresh: CooldownCacheValue = {
                **value,
                "timestamp": wall,
                "cooldown_time": span.end - now,
            }
            found.append((model_id, fresh))
        return tuple(found)

    def minimum(self, model_ids: Sequence[str], default: float) -> float:
        left = [value["cooldown_time"] for _, value in self.active_sync(model_ids)]
        return min(left) if left else default

    def evict_local(self, model_id: str) -> None:
        entry = self._cooling.pop(model_id, None)
        if entry is not None:
            entry[0].end = min(entry[0].end, self._clock())

    def snapshot(self) -> Mapping[str, CooldownCacheValue]:
        return dict(self.active_sync(list(self._cooling)))
