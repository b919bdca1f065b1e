"""litellm's in-memory TTL caches, on the run's clock when the run is on simulated time.

litellm's `InMemoryCache` (litellm/caching/in_memory_cache.py) expires every entry on
`time.time()`, read through its module's `time`. Latency-based routing keeps each model group's
latency history there under one key with a 1-hour TTL that is set by the key's first write and
not moved by later ones: an hour after a group's first answer the whole history is dropped, and
every deployment, a once-slow one too, starts again from no samples (live, a deployment that was
slow early gets traffic again after an hour). A virtual-clock run covers that hour in seconds of
wall time, so on wall time its history never expired (measured before: a 2-hour latency-based
run sent a deployment that was slow for its first 10 minutes nothing for the rest of the run).

`install_run_cache_clock()` (idempotent) gives that module a `time` whose `time()` is the run's
simulated wall time on a virtual-clock loop (the same clock litellm's rpm/tpm minutes follow,
usage_minutes.py) and `time.time()` anywhere else, so live Routers are exactly as before. Every
other attribute is the real `time` module's.
"""

from __future__ import annotations

import threading
import time as wall
import types
from typing import Any

from litellm.caching import in_memory_cache

from gql_server.core.litellm_adapter.state.usage_minutes import simulated_timestamp


class RunClockTime(types.ModuleType):
    """What litellm's in-memory cache module sees as `time`."""

    @staticmethod
    def time() -> float:
        simulated = simulated_timestamp()
        return wall.time() if simulated is None else simulated

    def __getattr__(self, name: str) -> Any:
        return getattr(wall, name)


RUN_CLOCK_TIME = RunClockTime("time")

_installed: list[bool] = []
_lock = threading.Lock()


def install_run_cache_clock() -> None:
    with _lock:
        if not _installed:
            in_memory_cache.time = RUN_CLOCK_TIME  # type: ignore[attr-defined]
            _installed.append(True)
