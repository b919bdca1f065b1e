"""An event loop on simulated time, for mock simulations.

`VirtualClockLoop.time()` is the simulated time (seconds since the loop was made). Whenever the
loop has nothing ready to run it jumps straight to its next timer instead of waiting for it, so
`asyncio.sleep`, `asyncio.timeout`, `loop.call_later` (and everything built on them: injected
latency, litellm's retry backoff, the Router's timeouts) cost CPU only, never waiting. Work that
is ready always runs before time moves, so ordering is the same as on a real clock with
infinitely fast CPUs: a run's reported latencies are exactly the ones it injected.

Only a loop whose every wait is a timer may run on it (a mock simulation): a wait on I/O
would be overtaken by the jumps. Work handed to the default executor (`run_in_executor(None, ...)`,
`to_thread`: litellm's `acompletion` hands every attempt's synchronous `completion` to it) runs
inline, right away, and its future is done before the caller awaits it: it takes no simulated
time, and the order in which work resumes never depends on which thread finished first (with
threads, concurrent requests came back in an order that varied run to run, and so did the
run's random draws after them: one seed gave different runs). Work handed to an explicit
executor still runs in its thread and holds the clock still until it is back. Callbacks from
other threads (`call_soon_threadsafe`, e.g. a stop request) are still picked up between steps.

`run(main, clock)` is `asyncio.run` on the loop the clock asks for.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Coroutine
from typing import Any, TypeVar

from gql_server.core.domain.scenario import SimulationClock
from gql_server.core.litellm_adapter.call_setup import CallSetupExecutor

T = TypeVar("T")


class VirtualClockLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        super().__init__()
        self._virtual_now = 0.0
        self._in_threads = 0

    def time(self) -> float:
        return self._virtual_now

    def run_in_executor(self, executor: Any, func: Any, *args: Any) -> asyncio.Future[Any]:  # type: ignore[override]
        if executor is None:
            return self._run_inline(func, *args)
        future = super().run_in_executor(executor, func, *args)
        self._in_threads += 1
        future.add_done_callback(self._back_from_thread)
        return future

    def _run_inline(self, func: Any, *args: Any) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = self.create_future()
        try:
            result = func(*args)
        except Exception as exc:  # handed to the awaiting caller, as a thread would
            future.set_exception(exc)
        else:
            future.set_result(result)
        return future

    def _back_from_thread(self, _: object) -> None:
        self._in_threads -= 1

    def _run_once(self) -> None:
        # asyncio's private step: ready callbacks run, then due timers move to ready. When
        # nothing is ready, the earliest live timer becomes due by moving the clock to it.
        ready: Any = self._ready  # type: ignore[attr-defined]
        scheduled: list[Any] = self._scheduled  # type: ignore[attr-defined]
        if not ready and not self._stopping and not self._in_threads:  # type: ignore[attr-defined]
            while scheduled and scheduled[0]._cancelled:
                handle = heapq.heappop(scheduled)
                handle._scheduled = False
                self._timer_cancelled_count -= 1  # type: ignore[attr-defined]
            if scheduled and scheduled[0]._when > self._virtual_now:
                self._virtual_now = scheduled[0]._when
        super()._run_once()  # type: ignore[misc]


def new_event_loop(clock: SimulationClock) -> asyncio.AbstractEventLoop:
    if clock is SimulationClock.VIRTUAL:
        return VirtualClockLoop()
    loop = asyncio.new_event_loop()
    loop.set_default_executor(CallSetupExecutor())  # as the server's loop (see call_setup)
    return loop


def is_virtual(loop: asyncio.AbstractEventLoop | None = None) -> bool:
    if loop is None:
        loop = asyncio.get_running_loop()
    return isinstance(loop, VirtualClockLoop)


def run(main: Coroutine[Any, Any, T], clock: SimulationClock) -> T:
    """Run `main` to completion on a fresh loop of `clock` (like `asyncio.run`)."""
    with asyncio.Runner(loop_factory=lambda: new_event_loop(clock)) as runner:
        return runner.run(main)
