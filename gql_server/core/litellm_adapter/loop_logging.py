"""Give every event loop its own litellm LoggingWorker.

litellm queues each call's success logging (which latency-based and least-busy routing read)
on one process-wide `GLOBAL_LOGGING_WORKER`. That worker binds itself to the loop that used it
last and, when another loop uses it, re-binds and drops its worker task. Simulations run on a
loop of their own thread, so the server's loop and theirs would keep stealing the worker from
each other, from two threads at once. litellm looks the global up by name at every call, so
replacing it with a per-loop dispatcher keeps each loop's logging on that loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Coroutine
from typing import Any

from litellm.litellm_core_utils import logging_worker as _module
from litellm.litellm_core_utils.logging_worker import LoggingWorker

FLUSH_TIMEOUT_S = 5.0


class PerLoopLoggingWorker:
    """The home loop (the server's, see `claim_home`) keeps litellm's original worker; every
    other loop gets one of its own. Attributes it does not define (atexit flushing, stats) go
    to the original. With no home claimed it behaves exactly like litellm's global."""

    def __init__(self, original: LoggingWorker) -> None:
        self._original = original
        self._home: weakref.ReferenceType[asyncio.AbstractEventLoop] | None = None
        self._others: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoggingWorker] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def for_running_loop(self) -> LoggingWorker:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._original
        with self._lock:
            home = self._home() if self._home is not None else None
            if home is None or home is loop or home.is_closed():
                return self._original
            worker = self._others.get(loop)
            if worker is None:
                worker = self._others[loop] = LoggingWorker()
            return worker

    def claim_home(self) -> None:
        """The running loop (the server's) keeps litellm's original worker."""
        with self._lock:
            self._home = weakref.ref(asyncio.get_running_loop())

    def ensure_initialized_and_enqueue(self, async_coroutine: Coroutine[Any, Any, None]) -> None:
        self.for_running_loop().ensure_initialized_and_enqueue(async_coroutine)

    async def finish_running_loop(self) -> None:
        worker = self.for_running_loop()
        if worker is not self._original:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(FLUSH_TIMEOUT_S):
                    await worker.flush()
            await worker.stop(timeout=FLUSH_TIMEOUT_S)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


def install() -> PerLoopLoggingWorker:
    """Idempotent: replace litellm's global worker with the per-loop dispatcher."""
    current: Any = _module.GLOBAL_LOGGING_WORKER
    if isinstance(current, PerLoopLoggingWorker):
        return current
    dispatcher = PerLoopLoggingWorker(current)
    _module.GLOBAL_LOGGING_WORKER = dispatcher  # type: ignore[misc,assignment]  # a stand-in for a Final
    return dispatcher


async def finish_this_loops_logging() -> None:
    """Let the running loop's own worker finish what it queued, then stop it (a loop that is
    about to close). A no-op on the loop that owns litellm's original worker."""
    await install().finish_running_loop()
