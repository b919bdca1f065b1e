"""A run's traces on their way from its worker to its subscriber, with flow control."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Callable

from gql_server.core.domain.traces import RequestTrace
from gql_server.core.simulation.engine import SimulationEvent, SimulationProgress
from gql_server.core.simulation.stats import SimulationSummary
from gql_server.services.simulation.worker import BATCH_MAX
from gql_server.services.testing import KeyCalls


class Relay:
    """Traces arrive from the worker in the engine's batches (the run's one batching, see
    `worker.BATCH_INTERVAL_S`) and go on as progress events as soon as the subscriber takes
    them: what came while it was busy goes together, up to `batch_max`; no timer here. Each
    batch the subscriber takes is credited back to the worker (`consumed`), which waits when
    too far ahead."""

    def __init__(
        self,
        simulation_id: str,
        total: int,
        calls: KeyCalls | None = None,
        consumed: Callable[[int], None] | None = None,
    ) -> None:
        self.simulation_id = simulation_id
        self.total = total
        self._calls = calls  # the caller's real-call windows (None: not limited)
        self._consumed = consumed
        self.received = 0  # requests finished in the worker so far
        self.pending: deque[RequestTrace] = deque()
        self.simulated_ms = 0.0
        self.outcome: SimulationSummary | BaseException | None = None
        self.finished = asyncio.Event()
        self._wake = asyncio.Event()

    def push_many(self, traces: list[RequestTrace], simulated_ms: float) -> None:
        self.received += len(traces)
        self.pending.extend(traces)
        self.simulated_ms = max(self.simulated_ms, simulated_ms)
        self._wake.set()

    def finish(self, outcome: SimulationSummary | BaseException) -> None:
        if self.outcome is None:
            self.outcome = outcome
            self.finished.set()
            self._wake.set()

    async def admit_real_call(self) -> str | None:
        return None if self._calls is None else await self._calls.admit()

    def used_tokens(self, tokens: int) -> None:
        if self._calls is not None:
            self._calls.used(tokens)

    async def _wait(self) -> None:
        self._wake.clear()
        await self._wake.wait()

    async def events(self, batch_max: int = BATCH_MAX) -> AsyncGenerator[SimulationEvent, None]:
        completed = 0
        while self.pending or self.outcome is None:
            if not self.pending:
                await self._wait()
                continue
            batch = [self.pending.popleft() for _ in range(min(batch_max, len(self.pending)))]
            completed += len(batch)
            yield SimulationProgress(
                self.simulation_id, completed, self.total, batch, simulated_ms=self.simulated_ms
            )
            if self._consumed is not None:
                self._consumed(len(batch))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        if self.outcome is not None:
            yield self.outcome
