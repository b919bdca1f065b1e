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
    mib: float | None = None

    def see(self, mib: float) -> None:
        self.mib = mib if self.mib is None else max(self.mib, mib)

    def verdict(self, limit_mib: float = 1024) -> str:
        if self.mib is None:
            return "no worker seen"
        return "met" if self.mib < limit_mib else "NOT met"

    def text(self) -> str:
        return "-" if self.mib is None else f"{self.mib:,.0f}"


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.extend(int(c) for c in (task / "children").read_text().split())
    return found


def _workers(server_pid: int) -> list[int]:
    """Every descendant of the server but its own helper processes (the forkserver and the
    resource tracker; a worker forked from the forkserver shows the forkserver's command line)."""
    workers, pending = [], []
    for child in _children(server_pid):
        with contextlib.suppress(OSError):
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            if b"multiprocessing.forkserver" in command or b"resource_tracker" in command:
                pending.extend(_children(child))  # its children are workers
            else:
                pending.append(child)
    while pending:
        pid = pending.pop()
        workers.append(pid)
        pending.extend(_children(pid))
    return workers


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

    def read() -> None:
        for worker in _workers(server_pid):
            if (mib := _high_water_mib(worker)) > 0:
                peak.see(mib)

    async def sample() -> None:
        while True:
            read()
            await asyncio.sleep(every_s)

    sampler = asyncio.create_task(sample())
    try:
        yield peak
    finally:
        read()  # the last reading, before a worker leaves
        sampler.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampler
