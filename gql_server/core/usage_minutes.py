"""litellm's rpm/tpm minute, on the run's clock when the run is on simulated time.

Usage-based routing counts each deployment's requests and tokens per minute under keys that end
in the current UTC minute (`<id>:<model>:rpm:<HH-MM>`), which litellm's strategy module reads
from `get_utc_datetime()` (wall time) when it picks, when its pre-call check counts a request,
and when it logs an answer's tokens. A virtual-clock run covers minutes of simulated traffic in
a moment of wall time, so on wall minutes every simulated minute would share one budget (a
10-minute run at rpm=60 let 59 requests through in all).

`install_run_minutes()` (idempotent) makes that module read the time from here instead: on a
virtual-clock loop, a fixed simulated date plus the loop's time, so the minutes turn with
simulated time, at the same offsets on every run (minute n of a run is [60n, 60n + 60) s of
its loop; same seed, same run); anywhere else, the wall clock exactly as before. Only
throwaway Routers run on a virtual-clock loop, so live Routers stay on wall minutes.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

from litellm.router_strategy import lowest_tpm_rpm_v2

from gql_server.core.virtual_clock import is_virtual

# Midnight: a run's loop starts at 0, so its minutes start on the minute. Any date would do.
SIMULATED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def usage_now() -> datetime:
    """Now, for litellm's usage minute: simulated on a virtual-clock loop, else the wall clock."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return datetime.now(UTC)
    if is_virtual(loop):
        return SIMULATED_EPOCH + timedelta(seconds=loop.time())
    return datetime.now(UTC)


_installed: list[bool] = []
_lock = threading.Lock()


def install_run_minutes() -> None:
    with _lock:
        if not _installed:
            lowest_tpm_rpm_v2.get_utc_datetime = usage_now  # type: ignore[attr-defined]
            _installed.append(True)
