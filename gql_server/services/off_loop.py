"""Run a coroutine on its own event loop, in its own thread.

A mock simulation at full speed keeps an event loop 100% busy with litellm's per-call work.
On the server's loop that would delay every websocket frame (trace delivery measured p99 > 1 s)
and every other caller's request; on a loop of its own it only competes for the GIL, which
Python hands over every few milliseconds, so the server's loop stays responsive.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any

Job = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


class LoopThread:
    """`job(stop)` runs on the thread's loop; `stop` is an Event of that loop which
    `request_stop()` sets from any thread; `cancel()` cancels the job and waits for the thread."""

    def __init__(self, job: Job, *, name: str) -> None:
        self._job = job
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), name=name)
        self._thread.daemon = True

    def start(self) -> None:
        self._thread.start()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._task = asyncio.current_task()
        self._ready.set()
        with contextlib.suppress(asyncio.CancelledError):
            await self._job(self._stop)

    def _call(self, callback: Callable[[], object]) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # that loop has already finished
                self._loop.call_soon_threadsafe(callback)

    def request_stop(self) -> None:
        if self._ready.is_set() and self._stop is not None:
            self._call(self._stop.set)

    async def cancel(self) -> None:
        """Cancel the job (if it still runs) and wait until its thread has ended."""
        await asyncio.to_thread(self._ready.wait)
        if self._thread.is_alive() and self._task is not None:
            self._call(self._task.cancel)
        await asyncio.to_thread(self._thread.join)
