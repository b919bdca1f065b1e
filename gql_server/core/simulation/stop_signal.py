"""How something outside a simulation run ends it early, and says why."""

from __future__ import annotations

from collections.abc import Callable


class StopSignal:
    """Ends a run early from outside it (a command, a spent budget). `set(reason)`, called on
    the run's loop, stops the run at once: no request starts after it, what finished is
    flushed, and the summary is cancelled with `stopped_reason` the first reason given."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self._set = False
        self._stop: Callable[[str | None], None] | None = None

    def set(self, reason: str | None = None) -> None:
        if not self._set:
            self._set, self.reason = True, reason
        if self._stop is not None:
            self._stop(self.reason)

    def is_set(self) -> bool:
        return self._set

    def attach(self, stop: Callable[[str | None], None]) -> None:
        self._stop = stop
        if self._set:
            stop(self.reason)
