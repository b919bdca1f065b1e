"""The peak memory of a server's simulation workers while a run goes on, read from /proc.

async with peak_worker_rss(server_pid) as peak:
    ... run a simulation ...
peak.mib  # the largest resident set any child of the server had (VmHWM), in MiB
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PeakRss:
    mib: float = 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _high_water_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return 0.0


@contextlib.asynccontextmanager
async def peak_worker_rss(server_pid: int, every_s: float = 0.5) -> AsyncIterator[PeakRss]:
    """Samples the server's child processes (its simulation workers) until the block ends."""
    peak = PeakRss()

    async def sample() -> None:
        while True:
            for child in _children(server_pid):
                peak.mib = max(peak.mib, _high_water_mib(child))
            await asyncio.sleep(every_s)

    sampler = asyncio.create_task(sample())
    try:
        yield peak
    finally:
        for child in _children(server_pid):  # the last reading, before a worker leaves
            peak.mib = max(peak.mib, _high_water_mib(child))
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
