"""litellm's rpm/tpm minute, on the run's clock when the run is on simulated time.

Usage-based routing counts each deployment's requests and tokens per minute under keys that end
in the current UTC minute (`<id>:<model>:rpm:<HH-MM>`), which litellm's strategy module reads
from `get_utc_datetime()` (wall time) when it picks, when its pre-call check counts a request,
and when it logs an answer's tokens. Latency- and cost-based routing keep their own per-minute
rpm/tpm counts under `<date>-<HH>-<MM>` keys from `datetime.now()` (local wall time), read when
they pick and written when they log an answer. A virtual-clock run covers minutes of simulated
traffic in a moment of wall time, so on wall minutes every simulated minute would share one
budget (a 10-minute run at rpm=60 let 59 requests through in all; a 5-minute latency-based run
with rpm=20 on its fastest deployment sent it 20 requests in minute 0 and none after).

`install_run_minutes()` (idempotent) makes those modules read the time from here instead: on a
virtual-clock loop, the run's wall start plus the loop's time, so the minutes turn with
simulated time; anywhere else, the wall clock exactly as before (UTC for usage-based routing,
local time for the other two). Only throwaway Routers run on a virtual-clock loop, so live
Routers stay on wall minutes.

A run's wall start (`start_run_at`) places it in its minute, as live traffic is: a burst that
starts at :35 has 25 s of its first minute's budget, then a fresh one (measured before: the same
burst gave 0 rpm skips live and 104 simulated, which started every run at :00). A loop no run
has placed starts at SIMULATED_EPOCH (midnight: minute n is [60n, 60n + 60) s of its loop).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Self

from litellm.router_strategy import lowest_cost, lowest_latency, lowest_tpm_rpm_v2

from gql_server.core.domain.scenario import SIMULATED_EPOCH
from gql_server.core.litellm_adapter.virtual_clock import is_virtual


def usage_now() -> datetime:
    """Now, for litellm's usage minute: simulated on a virtual-clock loop, else the wall clock."""
    simulated = simulated_now()
    return datetime.now(UTC) if simulated is None else simulated


class RunClockDatetime(datetime):
    """`datetime` whose `now()` is the run's: what the latency and cost strategy modules see as
    `datetime`. Simulated on a virtual-clock loop (naive, as `datetime.now()` is, unless a zone
    is asked for), else exactly `datetime.now`."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Self:
        simulated = simulated_now()  # UTC
        if simulated is None:
            return super().now(tz)
        naive = cls.combine(simulated.date(), simulated.time())
        return naive if tz is None else naive.replace(tzinfo=UTC).astimezone(tz)


# a virtual-clock loop -> the wall time its clock's 0 stands for
_loop_epochs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, datetime] = (
    weakref.WeakKeyDictionary()
)


def start_run_at(start_at: datetime, origin: float) -> None:
    """The running virtual-clock loop's time `origin` is the wall time `start_at` (UTC)."""
    loop = asyncio.get_running_loop()
    if is_virtual(loop):
        _loop_epochs[loop] = start_at.astimezone(UTC) - timedelta(seconds=origin)


def simulated_now() -> datetime | None:
    """The running virtual-clock loop's simulated wall time (UTC); None off such a loop."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    if is_virtual(loop):
        return _loop_epochs.get(loop, SIMULATED_EPOCH) + timedelta(seconds=loop.time())
    return None


def simulated_timestamp() -> float | None:
    """`simulated_now()` as a POSIX timestamp (what `time.time()` answers on wall time)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    if is_virtual(loop):
        return _loop_epochs.get(loop, SIMULATED_EPOCH).timestamp() + loop.time()
    return None


_installed: list[bool] = []
_lock = threading.Lock()


def install_run_minutes() -> None:
    with _lock:
        if not _installed:
            lowest_tpm_rpm_v2.get_utc_datetime = usage_now  # type: ignore[attr-defined]
            lowest_latency.datetime = RunClockDatetime  # type: ignore[attr-defined]
            lowest_cost.datetime = RunClockDatetime  # type: ignore[attr-defined]
            _installed.append(True)
